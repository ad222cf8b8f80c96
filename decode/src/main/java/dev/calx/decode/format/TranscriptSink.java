package dev.calx.decode.format;

/**
 * Receives the transcript as it is produced: model text as it streams (TEXT, fences included),
 * tool output as the loop appends it (EXECUTION). Used by `calx solve` to show the run live.
 */
@FunctionalInterface
public interface TranscriptSink {
    TranscriptSink NONE = (kind, text) -> {};

    void accept(SpanKind kind, String text);
}
