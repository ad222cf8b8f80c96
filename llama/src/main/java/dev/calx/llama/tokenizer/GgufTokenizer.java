package dev.calx.llama.tokenizer;

import dev.calx.llama.format.GgufFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer stored in a GGUF file's metadata ({@code tokenizer.ggml.*}), as llama.cpp's
 * converter writes it for SentencePiece models ({@code tokenizer.ggml.model = "llama"}): the
 * pieces ({@code tokens}), {@code scores}, {@code token_type} (SentencePiece's numbering: 1
 * normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte), the special ids
 * ({@code bos_token_id}, {@code eos_token_id}, {@code unknown_token_id}, {@code padding_token_id})
 * and the normalizer flags {@code add_space_prefix} (default true) and
 * {@code remove_extra_whitespaces} (default false). It becomes the same {@link Vocabulary} a
 * {@code tokenizer.model} gives, hence the same ids.
 *
 * <p>Not stored in GGUF and therefore assumed: byte fallback is on when all 256 {@code <0xXX>}
 * pieces are present (Llama's setting; llama.cpp does the same), spaces are escaped as U+2581.
 * Absent scores are 0; absent types are inferred as for llama2.c's tokenizer.bin (unknown id
 * UNKNOWN, BOS/EOS CONTROL, {@code <0xXX>} BYTE, the rest NORMAL). {@code add_bos_token} is left to
 * the caller ({@link Tokenizer#encode(String, boolean)}). Other tokenizer models ("gpt2" BPE,
 * ...) and a non-empty {@code precompiled_charsmap} are refused with an error naming the key.
 */
public final class GgufTokenizer {
    static final String P = "tokenizer.ggml.";

    private GgufTokenizer() {
    }

    /**
     * Reads the metadata of a .gguf file (tensors are not touched) and builds its tokenizer.
     *
     * @param gguf a GGUF file
     * @return the tokenizer
     * @throws IOException when the file cannot be read, its header is malformed, or its metadata
     *                     holds no supported tokenizer
     */
    public static SentencePieceTokenizer load(Path gguf) throws IOException {
        return fromMetadata(gguf.toString(), GgufFile.readMetadata(gguf));
    }

    /**
     * Whether GGUF metadata carries a tokenizer ({@code tokenizer.ggml.tokens}).
     *
     * @param metadata GGUF key/values, e.g. from {@code GgufFile.readMetadata}
     * @return whether {@code tokenizer.ggml.tokens} is an array
     */
    public static boolean present(Map<String, Object> metadata) {
        return metadata.get(P + "tokens") instanceof List<?>;
    }

    /**
     * The tokenizer of GGUF metadata (e.g. {@code LlamaModel.metadata()} of a GGUF model).
     *
     * @param source named in error messages (the file)
     * @param m      GGUF key/values (Long, Double, Boolean, String, List values)
     * @return the tokenizer
     * @throws IOException when the tokens are missing, the model is not "llama", a character map is
     *                     present, or a key has the wrong type, length or an out-of-range id
     */
    public static SentencePieceTokenizer fromMetadata(String source, Map<String, Object> m) throws IOException {
        Object model = m.get(P + "model");
        if (!present(m)) throw new IOException(source + ": no tokenizer in the GGUF metadata (" + P + "tokens is missing)");
        if (model != null && !"llama".equals(model)) {
            throw new IOException(source + ": " + P + "model is '" + model + "'; only 'llama' (SentencePiece BPE) is supported");
        }
        if (m.get(P + "precompiled_charsmap") instanceof List<?> cm && !cm.isEmpty()) {
            throw new IOException(source + ": " + P + "precompiled_charsmap is not empty (character-map normalizers are not supported)");
        }
        List<?> rawTokens = (List<?>) m.get(P + "tokens");
        int n = rawTokens.size();
        List<String> pieces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!(rawTokens.get(i) instanceof String s)) throw new IOException(source + ": " + P + "tokens[" + i + "] is not a string");
            pieces.add(s);
        }
        float[] scores = new float[n];
        if (m.get(P + "scores") != null) {
            List<?> l = list(source, m, "scores", n);
            for (int i = 0; i < n; i++) scores[i] = number(source, "scores", i, l.get(i)).floatValue();
        }
        int unk = id(source, m, "unknown_token_id", 0), bos = id(source, m, "bos_token_id", 1);
        int eos = id(source, m, "eos_token_id", 2), pad = id(source, m, "padding_token_id", -1);
        List<PieceType> types = new ArrayList<>(n);
        if (m.get(P + "token_type") != null) {
            List<?> l = list(source, m, "token_type", n);
            for (int i = 0; i < n; i++) {
                Number raw = number(source, "token_type", i, l.get(i));
                long code = raw.longValue();
                PieceType t = raw.doubleValue() == code && code >= 0 && code <= 6 ? PieceType.ofCode((int) code) : null;
                if (t == null) throw new IOException(source + ": " + P + "token_type[" + i + "] = " + raw + " is not a SentencePiece piece type (1-6)");
                types.add(t);
            }
        } else {
            for (int i = 0; i < n; i++) {
                types.add(i == unk ? PieceType.UNKNOWN : i == bos || i == eos ? PieceType.CONTROL
                        : Vocabulary.byteOfPiece(pieces.get(i)) >= 0 ? PieceType.BYTE : PieceType.NORMAL);
            }
        }
        int bytePieces = 0;
        for (int i = 0; i < n; i++) if (types.get(i) == PieceType.BYTE) bytePieces++;
        Normalization norm = new Normalization(bool(source, m, "add_space_prefix", true),
                bool(source, m, "remove_extra_whitespaces", false), true, false);
        for (int id : new int[]{unk, bos, eos, pad}) {
            if (id >= n) throw new IOException(source + ": a special token id (" + id + ") is outside the " + n + " tokens");
        }
        try {
            return new SentencePieceTokenizer(new Vocabulary(source, pieces, scores, types, unk, bos, eos, pad,
                    bytePieces == 256, norm, null));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<?> list(String source, Map<String, Object> m, String key, int n) throws IOException {
        if (!(m.get(P + key) instanceof List<?> l)) throw new IOException(source + ": " + P + key + " is not an array");
        if (l.size() != n) throw new IOException(source + ": " + P + key + " has " + l.size() + " entries but there are " + n + " tokens");
        return l;
    }

    private static Number number(String source, String key, int i, Object o) throws IOException {
        if (!(o instanceof Number x)) throw new IOException(source + ": " + P + key + "[" + i + "] is not a number");
        return x;
    }

    private static int id(String source, Map<String, Object> m, String key, int dflt) throws IOException {
        Object o = m.get(P + key);
        if (o == null) return dflt;
        if (!(o instanceof Long v)) throw new IOException(source + ": " + P + key + " is not an integer (" + o + ")");
        // -1 is "none"; anything else outside an int would wrap (2^32 + 1 read as 1) onto a real id
        if (v < -1 || v > Integer.MAX_VALUE) throw new IOException(source + ": " + P + key + " = " + v + " is not a token id");
        return v.intValue();
    }

    private static boolean bool(String source, Map<String, Object> m, String key, boolean dflt) throws IOException {
        Object o = m.get(P + key);
        if (o == null) return dflt;
        if (!(o instanceof Boolean b)) throw new IOException(source + ": " + P + key + " is not a boolean");
        return b;
    }
}
