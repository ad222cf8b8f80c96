package dev.calx.llama.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama2.c's {@code tokenizer.bin}: little-endian {@code int max_token_length}, then per token
 * {@code float score, int length, byte[length]} (the vocabulary size is not stored; the file
 * ends after the last token). The exporter wrote "▁" as ' ' and BOS/EOS as "\n&lt;s&gt;\n" and
 * "\n&lt;/s&gt;\n", and dropped piece types. Reading restores SentencePiece pieces and infers the
 * types Llama's tokenizer.model has: id 0 {@code <unk>} UNKNOWN, ids 1 and 2 CONTROL (BOS, EOS),
 * {@code <0xXX>} BYTE, all others NORMAL; so the tokenizer it gives encodes as SentencePiece does
 * for the same vocabulary. (llama2.c's own run.c differs in one corner: it could merge literal text
 * such as "&lt;0x0A&gt;" into a byte or control piece; SentencePiece never does, nor do we.)
 */
public final class Llama2cTokenizer {
    private static final String BOS_PIECE = "\n<s>\n";
    private static final String EOS_PIECE = "\n</s>\n";

    private Llama2cTokenizer() {
    }

    /**
     * Reads a tokenizer.bin with any number of tokens.
     *
     * @param file a llama2.c tokenizer.bin
     * @return the tokenizer
     * @throws IOException when the file cannot be read or is corrupt (the message gives the byte offset)
     */
    public static SentencePieceTokenizer load(Path file) throws IOException {
        return new SentencePieceTokenizer(read(file, -1));
    }

    /**
     * Reads a tokenizer.bin that must hold exactly {@code vocabSize} tokens (the model's).
     *
     * @param file      a llama2.c tokenizer.bin
     * @param vocabSize the expected number of tokens, e.g. the model's vocab_size
     * @return the tokenizer
     * @throws IOException when the file cannot be read, is corrupt, or holds another number of tokens
     */
    public static SentencePieceTokenizer load(Path file, int vocabSize) throws IOException {
        return new SentencePieceTokenizer(read(file, vocabSize));
    }

    /**
     * Reads the vocabulary of a tokenizer.bin; {@code expectedSize < 0} accepts any size.
     * Byte fallback is on when all 256 byte pieces are present; normalization is Llama's.
     *
     * @param file         a llama2.c tokenizer.bin, read whole into memory
     * @param expectedSize the exact number of tokens required (and then the end of the file), or negative
     * @return the vocabulary with the piece types restored as described above
     * @throws IOException when the file cannot be read, is corrupt, or does not hold expectedSize tokens
     */
    public static Vocabulary read(Path file, int expectedSize) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) throw corrupt(file, 0, "a 4-byte max_token_length header", data.length + " bytes");
        int maxLen = buf.getInt();
        if (maxLen <= 0 || maxLen > 1 << 20) throw corrupt(file, 0, "max_token_length in 1..2^20", String.valueOf(maxLen));
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (buf.hasRemaining() && (expectedSize < 0 || pieces.size() < expectedSize)) {
            int at = buf.position();
            int id = pieces.size();
            if (buf.remaining() < 8) throw corrupt(file, at, "score and length of token " + id, buf.remaining() + " bytes left");
            float score = buf.getFloat();
            int len = buf.getInt();
            if (len <= 0 || len > maxLen) {
                throw corrupt(file, at + 4, "length of token " + id + " in 1.." + maxLen, String.valueOf(len));
            }
            if (buf.remaining() < len) throw corrupt(file, at + 8, len + " bytes of token " + id, buf.remaining() + " bytes left");
            byte[] b = new byte[len];
            buf.get(b);
            pieces.add(new String(b, StandardCharsets.UTF_8));
            scores.add(score);
        }
        if (expectedSize >= 0 && (pieces.size() != expectedSize || buf.hasRemaining())) {
            throw corrupt(file, buf.position(), expectedSize + " tokens and the end of the file",
                    pieces.size() + " tokens and " + buf.remaining() + " more bytes");
        }
        try {
            return toVocabulary(file.toString(), pieces, scores);
        } catch (IllegalArgumentException e) { // e.g. a piece spelled twice: a corrupt file, reported as one
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Vocabulary toVocabulary(String source, List<String> raw, List<Float> rawScores) {
        int n = raw.size();
        List<String> pieces = new ArrayList<>(n);
        List<PieceType> types = new ArrayList<>(n);
        float[] scores = new float[n];
        int bytes = 0;
        for (int id = 0; id < n; id++) {
            String p = raw.get(id);
            scores[id] = rawScores.get(id);
            PieceType t;
            if (id == 0 && p.equals("<unk>")) {
                t = PieceType.UNKNOWN;
            } else if (id == 1 && p.equals(BOS_PIECE)) {
                t = PieceType.CONTROL;
                p = "<s>";
            } else if (id == 2 && p.equals(EOS_PIECE)) {
                t = PieceType.CONTROL;
                p = "</s>";
            } else if (Vocabulary.byteOfPiece(p) >= 0) {
                t = PieceType.BYTE;
                bytes++;
            } else {
                t = PieceType.NORMAL;
                p = p.replace(' ', Normalization.SPACE_SYMBOL);
            }
            pieces.add(p);
            types.add(t);
        }
        int unk = n > 0 && types.get(0) == PieceType.UNKNOWN ? 0 : -1;
        int bos = n > 1 && types.get(1) == PieceType.CONTROL ? 1 : -1;
        int eos = n > 2 && types.get(2) == PieceType.CONTROL ? 2 : -1;
        return new Vocabulary(source, pieces, scores, types, unk, bos, eos, -1, bytes == 256,
                Normalization.LLAMA, null);
    }

    /**
     * Writes a vocabulary in llama2.c's format (to a temp file, then renamed). The format has no
     * piece types, so only vocabularies whose types reading would infer again can be written:
     * {@code <unk>} at 0, BOS and EOS at 1 and 2, byte pieces, everything else NORMAL. (Added
     * USER_DEFINED tokens would silently lose their atomic matching: save those as .model or .json.)
     *
     * @param v    the vocabulary
     * @param file the target file, replaced if it exists
     * @throws IOException when a piece's type cannot be recorded in the format, or writing fails
     */
    public static void write(Vocabulary v, Path file) throws IOException {
        byte[] b;
        try {
            b = toBytes(v);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        dev.calx.llama.format.TempFiles.writeAtomically(file, b);
    }

    /**
     * The bytes {@link #write} writes, without a file.
     *
     * @param v the vocabulary
     * @return the tokenizer.bin bytes
     * @throws IOException when a piece's type cannot be recorded in the format (the message names the piece)
     */
    public static byte[] toBytes(Vocabulary v) throws IOException {
        for (int id = 0; id < v.size(); id++) {
            PieceType t = v.type(id);
            PieceType inferred = id == 0 && v.piece(0).equals("<unk>") ? PieceType.UNKNOWN
                    : (id == 1 && v.piece(1).equals("<s>")) || (id == 2 && v.piece(2).equals("</s>")) ? PieceType.CONTROL
                    : Vocabulary.byteOfPiece(v.piece(id)) >= 0 ? PieceType.BYTE : PieceType.NORMAL;
            if (t != inferred) {
                throw new IOException("llama2.c tokenizer.bin cannot record that piece " + id + " ('"
                        + v.piece(id) + "') is " + t + " (it would read back as " + inferred
                        + "); save as tokenizer.model or tokenizer.json");
            }
        }
        List<byte[]> encoded = new ArrayList<>(v.size());
        int maxLen = 0;
        int total = 4;
        for (int id = 0; id < v.size(); id++) {
            String p = v.piece(id);
            if (id == v.bosId()) p = BOS_PIECE;
            else if (id == v.eosId()) p = EOS_PIECE;
            else p = p.replace(Normalization.SPACE_SYMBOL, ' ');
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            maxLen = Math.max(maxLen, b.length);
            total += 8 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(maxLen);
        for (int id = 0; id < v.size(); id++) {
            buf.putFloat(v.score(id));
            buf.putInt(encoded.get(id).length);
            buf.put(encoded.get(id));
        }
        return buf.array();
    }

    private static IOException corrupt(Path file, int offset, String expected, String found) {
        return new IOException(file + ": corrupt llama2.c tokenizer at byte " + offset + ": expected "
                + expected + ", found " + found);
    }
}
