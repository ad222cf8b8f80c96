package dev.calx.decode.format;

import dev.calx.decode.generate.BatchStep;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

/**
 * A loaded model as the loops need it: fresh inference sessions (one per attempt) and the
 * tokenizer. The llama module's model loader is adapted to this in the solver.
 */
public interface SessionFactory {
    /**
     * A fresh session at position 0; called from several threads when problems run concurrently.
     *
     * @return a new session with an empty cache; the caller closes it
     */
    InferenceSession newSession();

    /** {@return the tokenizer of the model, shared by all sessions} */
    Tokenizer tokenizer();

    /**
     * The batched decode step for up to maxSequences of this factory's sessions (used by the
     * evaluation harness). Default: each session appends on its own.
     *
     * @param maxSequences the most sessions one step will be given
     * @return a step over sessions from {@link #newSession()}
     */
    default BatchStep batchStep(int maxSequences) {
        return BatchStep.SEQUENTIAL;
    }
}
