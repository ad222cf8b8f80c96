package dev.calx.decode.generate;

/**
 * One generated stretch of text. {@code text} is exactly the decoded text before the stop
 * (stop string and stop token excluded); {@code stop} is the stop string that matched or null;
 * {@code stopToken} the stop token sampled, or -1.
 */
public record Segment(String text, StopReason reason, String stop, int stopToken, int tokens) {}
