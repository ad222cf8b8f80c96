package dev.calx.trainer.data;

import java.util.List;

/**
 * Renders an example into labelled spans with the exact template used at inference. The goal
 * is one template registry, in {@code decode/}; until decode exposes span rendering, the
 * trainer's {@link Formats} implement the three templates of SEEDS.md behind this interface.
 */
public interface SpanRenderer {
    List<Span> render(Example ex);

    /** Whether the end-of-sequence token follows the rendered spans (trained). */
    default boolean appendEos() { return true; }
}
