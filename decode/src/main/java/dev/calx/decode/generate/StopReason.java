package dev.calx.decode.generate;

/** Why a generated segment ended. */
public enum StopReason {
    /** A stop string appeared in the decoded text. */
    STOP_STRING,
    /** A stop token (EOS or a format's special token) was sampled. */
    STOP_TOKEN,
    /** The per-segment token budget ran out. */
    MAX_TOKENS,
    /** The session's context is full. */
    CONTEXT_FULL
}
