package dev.calx.llama.tokenizer;

/**
 * The kind of a vocabulary entry, with SentencePiece's numbering ({@code ModelProto.SentencePiece.Type}).
 * Only NORMAL, USER_DEFINED and UNUSED pieces take part in BPE merges; BYTE pieces are the byte
 * fallback; CONTROL pieces (BOS, EOS, PAD) are never produced from text and decode to nothing.
 */
public enum PieceType {
    NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    /** The protobuf enum value. */
    public final int code;

    PieceType(int code) {
        this.code = code;
    }

    /** The type of a protobuf enum value, or {@code null} if the value is not one of ours. */
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
