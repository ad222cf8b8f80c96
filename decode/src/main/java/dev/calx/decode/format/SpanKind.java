package dev.calx.decode.format;

/**
 * The role of a piece of a rendered example. The trainer masks by kind: PROMPT and EXECUTION
 * are never trained; TEXT, CODE and EOS are.
 */
public enum SpanKind {
    /** The prompt template with the question (masked). */
    PROMPT,
    /** Natural-language reasoning, fences and block markers the model writes (trained). */
    TEXT,
    /** Program text the model writes (trained). */
    CODE,
    /** Tool output the loop feeds back (masked), including the markers the loop itself appends. */
    EXECUTION,
    /** End of sequence: the tokenizer's EOS id (trained); its text is the EOS piece, for display only. */
    EOS
}
