package dev.calx.decode.testing;

import dev.calx.llama.ContextOverflowException;
import dev.calx.llama.InferenceSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An InferenceSession whose "model" follows a script, for testing decoding loops without a
 * trained model. The script is a list of turns (token sequences). The logits always put all
 * mass on the next token of the current turn (EOS when it is exhausted). Feeding back the
 * predicted token advances within the turn; any other append (a prompt, tool output) starts the
 * next turn. Records every append so tests can check that nothing was re-encoded.
 */
public final class ScriptedSession implements InferenceSession {
    private final List<int[]> turns;
    private final int vocab, eos, maxLength;
    private final List<Integer> history = new ArrayList<>();
    private final List<int[]> appends = new ArrayList<>();
    private int turn = -1, index;
    private boolean started;

    public ScriptedSession(List<int[]> turns, int vocab, int eos, int maxLength) {
        this.turns = turns;
        this.vocab = vocab;
        this.eos = eos;
        this.maxLength = maxLength;
    }

    @Override
    public int position() {
        return history.size();
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public float[] append(int... tokens) {
        if (history.size() + tokens.length > maxLength) throw new ContextOverflowException(maxLength, history.size() + tokens.length);
        appends.add(tokens.clone());
        if (tokens.length == 1 && started && tokens[0] == expected()) {
            index++;
        } else {
            turn++;
            index = 0;
            started = true;
        }
        for (int t : tokens) history.add(t);
        float[] logits = new float[vocab];
        Arrays.fill(logits, -10f);
        logits[expected()] = 10f;
        return logits;
    }

    private int expected() {
        if (turn < 0 || turn >= turns.size()) return eos;
        int[] t = turns.get(turn);
        return index < t.length ? t[index] : eos;
    }

    @Override
    public void rollback(int p) {
        if (p > history.size() || p < 0) throw new IllegalArgumentException("rollback to " + p + " beyond " + history.size());
        while (history.size() > p) history.removeLast();
    }

    @Override
    public InferenceSession fork() {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public void close() {}

    public int[] history() {
        return history.stream().mapToInt(Integer::intValue).toArray();
    }

    public List<int[]> appends() {
        return appends;
    }

    public int appendedTokenCount() {
        return appends.stream().mapToInt(a -> a.length).sum();
    }
}
