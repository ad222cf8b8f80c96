package dev.calx.decode.generate;

/**
 * One generated stretch of text. {@code text} is exactly the decoded text before the stop
 * (stop string and stop token excluded); {@code stop} is the stop string that matched or null;
 * {@code stopToken} the stop token sampled, or -1.
 *
 * @param text      the decoded text before the stop
 * @param reason    why the segment ended
 * @param stop      the stop string that matched, or null unless {@code reason} is STOP_STRING
 * @param stopToken the sampled stop token, or -1 unless {@code reason} is STOP_TOKEN
 * @param tokens    tokens sampled, a stop token and the rolled-back tokens of a stop string
 *                  included (what counts against the token budgets)
 */
public record Segment(String text, StopReason reason, String stop, int stopToken, int tokens) {}
