package dev.calx.decode.format;

/**
 * Receives the transcript as it is produced: model text as it streams (TEXT, fences included),
 * tool output as the loop appends it (EXECUTION). Used by `calx solve` to show the run live.
 */
@FunctionalInterface
public interface TranscriptSink {
    /** Ignores everything. */
    TranscriptSink NONE = (kind, text) -> {};

    /**
     * Receives the next piece of the transcript, on the thread that solves the problem.
     *
     * @param kind {@link SpanKind#TEXT} for what the model wrote (and loop notes),
     *             {@link SpanKind#EXECUTION} for tool output
     * @param text the piece, in order; pieces concatenate to the transcript
     */
    void accept(SpanKind kind, String text);
}
