package dev.calx.llama;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The plain generation loop of llama2.c's run.c: prefill the prompt (one batched forward),
 * then sample one token at a time until {@code maxNewTokens} tokens were produced, a stop
 * token (BOS or EOS) was sampled, or the context is full. Stop tokens are not emitted.
 */
public final class Generator {
    private Generator() {}

    /**
     * Generates after prompt (which must not be empty; start with BOS for no prompt) and
     * returns the new tokens. onToken sees each one as it is produced.
     *
     * @param s            the session to append to, usually fresh (the caller keeps ownership): the
     *                     prompt and the emitted tokens end up in its cache, all but the last one when
     *                     generation stopped at maxNewTokens or at a full context
     * @param prompt       prompt token ids, at least one; appended as one batched forward
     * @param maxNewTokens the most tokens to produce; 0 or less returns an empty array without
     *                     running the model
     * @param sampler      picks each next token from the logits
     * @param bosId        a stop token (sampling it ends generation; it is not emitted)
     * @param eosId        another stop token, likewise not emitted
     * @param onToken      called with each emitted token in order, or null
     * @return the emitted tokens in order, at most {@code maxNewTokens} (fewer after a stop token
     *         or when the session reached its {@code maxLength()})
     * @throws IllegalArgumentException when the prompt is empty or holds an id outside the vocabulary
     * @throws ContextOverflowException when the prompt does not fit in the session's context
     */
    public static int[] generate(InferenceSession s, int[] prompt, int maxNewTokens, Sampler sampler,
                                 int bosId, int eosId, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: empty prompt (pass at least the BOS token)");
        if (maxNewTokens <= 0) return new int[0];
        // grown as tokens come: maxNewTokens may be far more than the context holds (Integer.MAX_VALUE for "until a stop")
        int[] out = new int[Math.min(maxNewTokens, 256)];
        int n = 0;
        float[] logits = s.append(prompt);
        while (true) {
            int next = sampler.sample(logits);
            if (next == bosId || next == eosId) break;
            if (n == out.length) out = Arrays.copyOf(out, (int) Math.min(maxNewTokens, 2L * n));
            out[n++] = next;
            if (onToken != null) onToken.accept(next);
            if (n >= maxNewTokens || s.position() >= s.maxLength()) break;
            logits = s.append(next);
        }
        return Arrays.copyOf(out, n);
    }
}
