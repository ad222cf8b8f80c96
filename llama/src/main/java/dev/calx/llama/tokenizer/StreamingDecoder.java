package dev.calx.llama.tokenizer;

/**
 * Decodes ids one at a time, as generation produces them, with SentencePiece's rules: control
 * pieces (BOS, EOS) give nothing, {@code <unk>} gives " ⁇ ", "▁" becomes a space, the dummy-prefix
 * space of the first piece is dropped, and runs of byte pieces are reassembled into UTF-8 (each
 * malformed byte becoming U+FFFD). Text is released as soon as it is final: a character split
 * over several byte pieces comes out with its last byte. Concatenating every {@link #next} and
 * {@link #finish} gives exactly {@link Tokenizer#decode} of all the ids. Not thread-safe.
 */
public final class StreamingDecoder {
    private final Vocabulary v;
    private final byte[] pending = new byte[4];
    private int pendingN;
    private boolean isBosWs = true;
    private boolean bosWsSeen;
    private boolean textEmpty = true;

    /**
     * A decoder at the start of a text (the first piece's dummy-prefix space will be dropped).
     *
     * @param v the vocabulary the ids come from
     */
    public StreamingDecoder(Vocabulary v) {
        this.v = v;
    }

    /**
     * The text that id adds (possibly empty while a multi-byte character is incomplete).
     *
     * @param id the next token id, in {@code [0, v.size())}
     * @return the newly final text, possibly empty
     * @throws IllegalArgumentException when id is outside the vocabulary
     */
    public String next(int id) {
        StringBuilder sb = new StringBuilder();
        append(id, sb);
        return sb.toString();
    }

    /**
     * Ends the stream: bytes of an incomplete character become U+FFFD.
     *
     * @return the remaining text: one U+FFFD per pending byte, or empty
     */
    public String finish() {
        StringBuilder sb = new StringBuilder();
        finish(sb);
        return sb.toString();
    }

    void finish(StringBuilder out) {
        flushBytes(out, true);
    }

    void append(int id, StringBuilder out) {
        if (id < 0 || id >= v.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                    + v.size() + " pieces");
        }
        PieceType t = v.type(id);
        if (t == PieceType.BYTE) {
            pending[pendingN++] = (byte) Vocabulary.byteOfPiece(v.piece(id));
            flushBytes(out, false);
            return;
        }
        flushBytes(out, true);
        if (bosWsSeen || !textEmpty) isBosWs = false;
        bosWsSeen = false;
        String surface;
        if (t == PieceType.CONTROL) {
            surface = "";
        } else if (t == PieceType.UNKNOWN) {
            surface = v.unkSurface();
        } else {
            String piece = v.piece(id);
            Normalization nz = v.normalization();
            if (isBosWs && (nz.addDummyPrefix() || nz.removeExtraWhitespaces())
                    && piece.charAt(0) == Normalization.SPACE_SYMBOL) {
                piece = piece.substring(1);
                bosWsSeen = !nz.removeExtraWhitespaces();
            }
            surface = piece.replace(Normalization.SPACE_SYMBOL, ' ');
        }
        if (!surface.isEmpty()) textEmpty = false;
        out.append(surface);
    }

    /** Emits complete characters (and U+FFFD for malformed bytes); all of them when the run ended. */
    private void flushBytes(StringBuilder out, boolean runEnded) {
        int i = 0;
        while (i < pendingN) {
            int len = Utf8.sequenceLength(pending, i, pendingN);
            if (len < 0 && !runEnded) break;
            int before = out.length();
            if (len <= 0) {
                out.append(Utf8.REPLACEMENT);
                i++;
            } else {
                Utf8.decode(pending, i, i + len, out);
                i += len;
            }
            if (out.length() > before) textEmpty = false;
        }
        System.arraycopy(pending, i, pending, 0, pendingN - i);
        pendingN -= i;
    }
}
