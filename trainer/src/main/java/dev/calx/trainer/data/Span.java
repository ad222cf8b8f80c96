package dev.calx.trainer.data;

/**
 * A labelled stretch of a rendered training example. PROMPT and EXECUTION are masked from the
 * loss (the model is never asked to produce them); TEXT and CODE are trained.
 */
public record Span(Kind kind, String text) {
    public enum Kind {
        PROMPT(false), TEXT(true), CODE(true), EXECUTION(false);

        public final boolean trained;

        Kind(boolean trained) {
            this.trained = trained;
        }
    }
}
