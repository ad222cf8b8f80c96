package dev.calx.decode.format;

/** A labelled piece of a rendered training example; concatenating the texts gives the example. */
public record Span(SpanKind kind, String text) {
    public Span {
        if (kind == null || text == null) throw new IllegalArgumentException("span kind and text are required");
    }
}
