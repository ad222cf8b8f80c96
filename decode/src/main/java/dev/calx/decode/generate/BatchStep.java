package dev.calx.decode.generate;

import dev.calx.llama.InferenceSession;

import java.util.List;

/**
 * One decode step for several sessions: appends tokens[i] to sessions.get(i) and returns each
 * session's logits, as if {@code append(tokens[i])} had been called on each. For Llama models
 * this is {@code LlamaBatch.step} (one GEMM per projection); {@link #SEQUENTIAL} calls append on
 * each session in turn (scripted test models, or any session type without a batched forward).
 */
@FunctionalInterface
public interface BatchStep {
    float[][] step(List<InferenceSession> sessions, int[] tokens);

    BatchStep SEQUENTIAL = (sessions, tokens) -> {
        float[][] out = new float[sessions.size()][];
        for (int i = 0; i < out.length; i++) out[i] = sessions.get(i).append(tokens[i]);
        return out;
    };
}
