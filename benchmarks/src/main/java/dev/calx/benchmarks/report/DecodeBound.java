package dev.calx.benchmarks.report;

import java.util.Map;
import java.util.Optional;

/**
 * The memory bound of decoding: a decode step reads every weight once (each layer's seven
 * matrices and the head; the embedding lookup reads one row) plus the KV cache, so tokens/s can
 * not exceed bandwidth / bytes per token. Shapes are the random-weight models of DecodeBenchmark
 * (llama2.c's stories15M and stories110M: Llama-2 vocabulary, tied head, no GQA).
 */
public final class DecodeBound {
    private DecodeBound() {}

    /** dim, hidden, layers, kv dim, vocab. */
    record Shape(long dim, long hidden, long layers, long kvDim, long vocab) {}

    static final Map<String, Shape> SHAPES = Map.of(
            "stories15M", new Shape(288, 768, 6, 288, 32000),
            "stories110M", new Shape(768, 2048, 12, 768, 32000),
            "llama2-7b", new Shape(4096, 11008, 32, 4096, 32000));

    /** Bytes per weight of a storage dtype (Q8_0: 32 int8 plus one fp16 scale per block). */
    static double bytesPerWeight(String dtype) {
        return switch (dtype.toUpperCase()) {
            case "F32", "FP32" -> 4;
            case "BF16", "F16", "FP16" -> 2;
            case "Q8_0" -> 34.0 / 32;
            default -> throw new IllegalArgumentException("unknown dtype " + dtype);
        };
    }

    /** Bytes one decode step reads at the given context, or empty for an unknown shape. */
    public static Optional<Double> bytesPerToken(String shape, String dtype, int context) {
        Shape s = SHAPES.get(shape);
        if (s == null) return Optional.empty();
        double w = bytesPerWeight(dtype);
        double layer = (2.0 * s.dim * s.dim + 2.0 * s.kvDim * s.dim + 3.0 * s.hidden * s.dim) * w;
        double head = (double) s.vocab * s.dim * w;
        double cache = 2.0 * s.layers * context * s.kvDim * 4;
        return Optional.of(layer * s.layers + head + cache);
    }
}
