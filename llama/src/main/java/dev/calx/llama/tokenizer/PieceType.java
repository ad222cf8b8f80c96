package dev.calx.llama.tokenizer;

/**
 * The kind of a vocabulary entry, with SentencePiece's numbering ({@code ModelProto.SentencePiece.Type}).
 * Only NORMAL, USER_DEFINED and UNUSED pieces take part in BPE merges; BYTE pieces are the byte
 * fallback; CONTROL pieces (BOS, EOS, PAD) are never produced from text and decode to nothing.
 */
public enum PieceType {
    /** An ordinary piece, produced by BPE merges. */
    NORMAL(1),
    /** The {@code <unk>} piece, for text that has no piece and no byte fallback; decodes to the unk surface. */
    UNKNOWN(2),
    /** A special token such as BOS, EOS or PAD: never produced from text, decodes to nothing. */
    CONTROL(3),
    /** An added token matched atomically in text before BPE (and mergeable). */
    USER_DEFINED(4),
    /**
     * A piece that takes part in merges but is never output: the encoder splits it back into the
     * two pieces it was merged from (SentencePiece's resegmentation).
     */
    UNUSED(5),
    /** A byte-fallback piece {@code <0xXX>}, standing for one raw UTF-8 byte. */
    BYTE(6);

    /** The protobuf enum value. */
    public final int code;

    PieceType(int code) {
        this.code = code;
    }

    /**
     * The type of a protobuf enum value, or {@code null} if the value is not one of ours.
     *
     * @param code a SentencePiece piece type number
     * @return the type, or null for codes outside 1..6
     */
    public static PieceType ofCode(int code) {
        for (PieceType t : values()) {
            if (t.code == code) return t;
        }
        return null;
    }

    /** Whether text can be segmented into this piece (SentencePiece's {@code pieces_} map). */
    boolean mergeable() {
        return this == NORMAL || this == USER_DEFINED || this == UNUSED;
    }
}
