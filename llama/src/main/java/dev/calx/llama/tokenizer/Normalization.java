package dev.calx.llama.tokenizer;

/**
 * SentencePiece's normalizer options without a character map (the Llama tokenizers use the
 * "identity" rule). Only ASCII space counts as whitespace, as in SentencePiece.
 *
 * @param addDummyPrefix          prepend one space (U+2581 after escaping) to non-empty text
 * @param removeExtraWhitespaces  drop leading and trailing spaces, collapse runs of spaces
 * @param escapeWhitespaces       replace ' ' by U+2581 ("▁")
 * @param treatWhitespaceAsSuffix put the dummy space at the end instead of the start
 */
public record Normalization(boolean addDummyPrefix, boolean removeExtraWhitespaces,
                            boolean escapeWhitespaces, boolean treatWhitespaceAsSuffix) {

    /** Llama-2's tokenizer.model: dummy prefix, no whitespace collapsing, escaped spaces. */
    public static final Normalization LLAMA = new Normalization(true, false, true, false);

    /** The meta symbol that stands for a space inside pieces. */
    public static final char SPACE_SYMBOL = '\u2581';
}
