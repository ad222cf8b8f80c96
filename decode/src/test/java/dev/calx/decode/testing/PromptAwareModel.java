package dev.calx.decode.testing;

import dev.calx.decode.format.SessionFactory;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A SessionFactory whose sessions decide their script from the prompt (the first append), so
 * problems can run concurrently in any order. Thread-safe; counts the sessions opened.
 */
public final class PromptAwareModel implements SessionFactory {
    private final TestTokenizer tokenizer;
    private final Function<String, List<String>> script;
    public final AtomicInteger sessionsOpened = new AtomicInteger();

    public PromptAwareModel(TestTokenizer tokenizer, Function<String, List<String>> script) {
        this.tokenizer = tokenizer;
        this.script = script;
    }

    @Override
    public InferenceSession newSession() {
        sessionsOpened.incrementAndGet();
        return new InferenceSession() {
            ScriptedSession inner;

            private ScriptedSession inner(int[] firstAppend) {
                if (inner == null) {
                    List<int[]> turns = script.apply(tokenizer.decode(firstAppend)).stream().map(t -> tokenizer.encode(t, false)).toList();
                    inner = new ScriptedSession(turns, tokenizer.vocabSize(), TestTokenizer.EOS, 100_000);
                }
                return inner;
            }

            @Override
            public int position() {
                return inner == null ? 0 : inner.position();
            }

            @Override
            public int maxLength() {
                return 100_000;
            }

            @Override
            public int vocabSize() {
                return tokenizer.vocabSize();
            }

            @Override
            public float[] append(int... tokens) {
                return inner(tokens).append(tokens);
            }

            @Override
            public void rollback(int p) {
                inner.rollback(p);
            }

            @Override
            public InferenceSession fork() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }
}
