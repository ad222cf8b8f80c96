package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.DType;

/**
 * The model shapes of the decode and prefill benchmarks: llama2.c's stories15M and stories110M
 * (Llama-2 tokenizer vocabulary, tied head, no GQA), with random weights.
 */
public final class DecodeShapes {
    private DecodeShapes() {}

    public static LlamaConfig of(String shape) {
        return switch (shape) {
            case "stories15M" -> new LlamaConfig(288, 768, 6, 6, 6, 32000, 1e-5f, 10000f, 1024, true, 1, 2);
            case "stories110M" -> new LlamaConfig(768, 2048, 12, 12, 12, 32000, 1e-5f, 10000f, 1024, true, 1, 2);
            // the embedded default model of calx solve/eval (docs/RESULTS.md): 3.7M parameters, untied head
            case "calx-default" -> new LlamaConfig(256, 704, 4, 8, 8, 1000, 1e-5f, 10000f, 512, false, 1, 2);
            default -> throw new IllegalArgumentException("unknown shape " + shape + " (stories15M, stories110M, calx-default)");
        };
    }

    /**
     * Weight bytes one decode step reads: every layer matrix and the head (a tied head is the
     * whole embedding; the embedding lookup itself reads one row), plus the KV cache (fp32 keys
     * and values of every layer up to the context).
     */
    public static long bytesPerToken(LlamaConfig c, DType dt, int context) {
        long d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize();
        long layer = dt.bytes(d * d) * 2 + dt.bytes(kv * d) * 2 + dt.bytes(h * d) * 3;
        long head = dt.bytes((long) c.vocabSize() * d);
        long cache = 2L * c.numHiddenLayers() * context * kv * 4;
        return layer * c.numHiddenLayers() + head + cache;
    }

    public static LlamaWeights weights(String shape, String dtype) {
        return LlamaWeights.random(of(shape), DType.valueOf(dtype), 42);
    }

    /** A session over w with {@code context} prompt tokens cached and room for one more: the decode checks' starting point. */
    static InferenceSession primed(LlamaWeights w, int context) {
        InferenceSession s = LlamaModel.session(w, context + 1);
        int[] prompt = new int[context];
        for (int i = 0; i < context; i++) prompt[i] = (i * 7919 + 1) % w.config().vocabSize();
        s.append(prompt);
        return s;
    }

    /** Decode steps at a context of {@code context} cached tokens ({@link #primed}) for about {@code seconds}; tokens/s. */
    static double decodeFor(InferenceSession s, int context, double seconds) {
        long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9);
        int n = 0;
        long t;
        do {
            s.rollback(context);
            s.append(123);
            n++;
        } while ((t = System.nanoTime()) < end);
        return n / ((t - t0) / 1e9);
    }
}
