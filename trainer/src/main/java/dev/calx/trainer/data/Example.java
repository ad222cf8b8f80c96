package dev.calx.trainer.data;

import java.util.List;

/**
 * One training example as read from a data file, before any template: where it came from, an
 * optional system message, the user's question, and the assistant's solution as blocks.
 */
public record Example(String file, long line, String system, String question, List<Block> response) {
    /** A block of the assistant's solution. */
    public record Block(Span.Kind kind, String text) { }
}
