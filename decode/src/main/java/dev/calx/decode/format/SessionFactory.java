package dev.calx.decode.format;

import dev.calx.decode.generate.BatchStep;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

/**
 * A loaded model as the loops need it: fresh inference sessions (one per attempt) and the
 * tokenizer. The llama module's model loader is adapted to this in the solver.
 */
public interface SessionFactory {
    InferenceSession newSession();

    Tokenizer tokenizer();

    /**
     * The batched decode step for up to maxSequences of this factory's sessions (used by the
     * evaluation harness). Default: each session appends on its own.
     */
    default BatchStep batchStep(int maxSequences) {
        return BatchStep.SEQUENTIAL;
    }
}
