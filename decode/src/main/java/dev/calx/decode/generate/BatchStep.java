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
    /**
     * Appends one token to each session and returns the logits after it.
     *
     * @param sessions the sessions, each at most once; every one advances by one position
     * @param tokens   the token to append to each session, {@code tokens.length == sessions.size()}
     * @return {@code [sessions.size()][vocab]}: row i is the logits of session i (fresh arrays)
     * @throws dev.calx.llama.ContextOverflowException when a session has no room for one more token
     * @throws IllegalArgumentException when the sizes differ, or (for batched implementations) a
     *         session appears twice or was not opened on the step's model
     */
    float[][] step(List<InferenceSession> sessions, int[] tokens);

    /** Calls {@code append(tokens[i])} on each session in turn; works for any session type. */
    BatchStep SEQUENTIAL = (sessions, tokens) -> {
        float[][] out = new float[sessions.size()][];
        for (int i = 0; i < out.length; i++) out[i] = sessions.get(i).append(tokens[i]);
        return out;
    };
}
