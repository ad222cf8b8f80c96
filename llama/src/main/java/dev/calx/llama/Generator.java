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
     */
    public static int[] generate(InferenceSession s, int[] prompt, int maxNewTokens, Sampler sampler,
                                 int bosId, int eosId, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: empty prompt (pass at least the BOS token)");
        int[] out = new int[Math.max(0, maxNewTokens)];
        int n = 0;
        if (maxNewTokens <= 0) return out;
        float[] logits = s.append(prompt);
        while (true) {
            int next = sampler.sample(logits);
            if (next == bosId || next == eosId) break;
            out[n++] = next;
            if (onToken != null) onToken.accept(next);
            if (n >= maxNewTokens || s.position() >= s.maxLength()) break;
            logits = s.append(next);
        }
        return Arrays.copyOf(out, n);
    }
}
