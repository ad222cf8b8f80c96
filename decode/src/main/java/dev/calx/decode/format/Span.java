package dev.calx.decode.format;

/**
 * A labelled piece of a rendered training example; concatenating the texts gives the example.
 *
 * @param kind the role, which decides whether the trainer trains on it
 * @param text the piece's text (for EOS, the EOS piece, for display only)
 */
public record Span(SpanKind kind, String text) {
    /**
     * Checks that both parts are present.
     *
     * @param kind the role; not null
     * @param text the text; not null, may be empty
     * @throws IllegalArgumentException when either is null
     */
    public Span {
        if (kind == null || text == null) throw new IllegalArgumentException("span kind and text are required");
    }
}
