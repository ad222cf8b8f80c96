package dev.calx.decode.format;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

/**
 * A loaded model as the loops need it: fresh inference sessions (one per attempt) and the
 * tokenizer. The llama module's model loader is adapted to this in the solver.
 */
public interface SessionFactory {
    InferenceSession newSession();

    Tokenizer tokenizer();
}
