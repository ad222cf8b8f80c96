package dev.calx.llama.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable SentencePiece-style BPE vocabulary: pieces (with U+2581 for spaces), their scores
 * and types, the special ids and the normalizer options. Every tokenizer file format reads into
 * one of these, and {@link SentencePieceTokenizer} encodes with it, so that the same vocabulary
 * gives the same ids whatever file it came from.
 */
public final class Vocabulary {
    /** SentencePiece's default surface of {@code <unk>} when decoding: " ⁇ ". */
    public static final String DEFAULT_UNK_SURFACE = " \u2047 ";

    private final String source;
    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    private final int unkId;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final boolean byteFallback;
    private final Normalization normalization;
    private final String unkSurface;
    private final Map<String, Integer> mergeableIds = new HashMap<>();
    private final Map<String, Integer> reservedIds = new HashMap<>();
    private final int[] byteIds = new int[256];
    private final int[][] mergeRules;

    /**
     * A vocabulary whose merges are every split of a piece into two pieces (SentencePiece's BPE).
     *
     * @param source        named in error messages (a file name)
     * @param pieces        the pieces by id; none empty; a piece may appear once among the
     *                      mergeable types and once among the others (as in SentencePiece; a
     *                      tokenizer.json cannot store that, so {@link HfTokenizerJson#write} refuses it)
     * @param scores        the BPE scores by id (higher merges first), copied
     * @param types         the piece types by id, none null
     * @param unkId         the UNKNOWN piece's id, or -1
     * @param bosId         the BOS id, or -1
     * @param eosId         the EOS id, or -1
     * @param padId         the padding id, or -1
     * @param byteFallback  whether characters without a piece are encoded as their UTF-8 byte pieces
     *                      (else as unkId)
     * @param normalization the normalizer options, not null
     * @param unkSurface    the text {@code <unk>} decodes to, or null for {@link #DEFAULT_UNK_SURFACE}
     * @throws IllegalArgumentException when lengths differ, a piece is empty or defined twice,
     *                                  a special id is out of range, or a byte piece is malformed
     * @throws NullPointerException     when a type or the normalization is null
     */
    public Vocabulary(String source, List<String> pieces, float[] scores, List<PieceType> types,
                      int unkId, int bosId, int eosId, int padId, boolean byteFallback,
                      Normalization normalization, String unkSurface) {
        this(source, pieces, scores, types, unkId, bosId, eosId, padId, byteFallback, normalization,
                unkSurface, null);
    }

    /**
     * A vocabulary with explicit merge rules (from a tokenizer.json) or, with null rules, every split.
     *
     * @param source        named in error messages (a file name)
     * @param pieces        the pieces by id; none empty; a piece may appear once among the
     *                      mergeable types and once among the others (as in SentencePiece; a
     *                      tokenizer.json cannot store that, so {@link HfTokenizerJson#write} refuses it)
     * @param scores        the BPE scores by id (higher merges first), copied
     * @param types         the piece types by id, none null
     * @param unkId         the UNKNOWN piece's id, or -1
     * @param bosId         the BOS id, or -1
     * @param eosId         the EOS id, or -1
     * @param padId         the padding id, or -1
     * @param byteFallback  whether characters without a piece are encoded as their UTF-8 byte pieces
     *                      (else as unkId)
     * @param normalization the normalizer options, not null
     * @param unkSurface    the text {@code <unk>} decodes to, or null for {@link #DEFAULT_UNK_SURFACE}
     * @param mergeRules null: every split of a piece into two pieces is a merge (SentencePiece);
     *                   otherwise only these {left id, right id} pairs merge (a tokenizer.json's
     *                   {@code merges}, in rank order), each into the piece they spell; kept, not copied
     * @throws IllegalArgumentException when lengths differ, a piece is empty or defined twice,
     *                                  a special id is out of range, or a byte piece is malformed
     * @throws NullPointerException     when a type or the normalization is null
     */
    public Vocabulary(String source, List<String> pieces, float[] scores, List<PieceType> types,
                      int unkId, int bosId, int eosId, int padId, boolean byteFallback,
                      Normalization normalization, String unkSurface, int[][] mergeRules) {
        int n = pieces.size();
        if (scores.length != n || types.size() != n) {
            throw new IllegalArgumentException(source + ": " + n + " pieces but " + scores.length
                    + " scores and " + types.size() + " types");
        }
        this.source = source;
        this.pieces = pieces.toArray(new String[0]);
        this.scores = scores.clone();
        this.types = types.toArray(new PieceType[0]);
        this.unkId = checkId(source, "unk_id", unkId, n);
        this.bosId = checkId(source, "bos_id", bosId, n);
        this.eosId = checkId(source, "eos_id", eosId, n);
        this.padId = checkId(source, "pad_id", padId, n);
        this.byteFallback = byteFallback;
        this.normalization = Objects.requireNonNull(normalization);
        this.unkSurface = unkSurface == null ? DEFAULT_UNK_SURFACE : unkSurface;
        this.mergeRules = mergeRules;
        Arrays.fill(byteIds, -1);
        for (int i = 0; i < n; i++) {
            String p = this.pieces[i];
            PieceType t = Objects.requireNonNull(this.types[i], source + ": piece " + i + " has no type");
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException(source + ": piece " + i + " is empty");
            }
            Map<String, Integer> map = t.mergeable() ? mergeableIds : reservedIds;
            Integer old = map.putIfAbsent(p, i);
            if (old != null) {
                throw new IllegalArgumentException(source + ": piece '" + p + "' (id " + i
                        + ") is already defined as id " + old);
            }
            if (t == PieceType.BYTE) {
                int b = byteOfPiece(p);
                if (b < 0) {
                    throw new IllegalArgumentException(source + ": byte piece " + i + " is '" + p
                            + "', expected <0xXX>");
                }
                byteIds[b] = i;
            }
        }
    }

    private static int checkId(String source, String name, int id, int n) {
        if (id < -1 || id >= n) {
            throw new IllegalArgumentException(source + ": " + name + " = " + id
                    + " is outside the vocabulary of " + n + " pieces");
        }
        return id;
    }

    /** The byte of a piece spelled {@code <0xXX>} (upper-case hex), or -1. */
    static int byteOfPiece(String p) {
        if (p.length() != 6 || !p.startsWith("<0x") || p.charAt(5) != '>') return -1;
        int hi = hex(p.charAt(3)), lo = hex(p.charAt(4));
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /**
     * The SentencePiece spelling of a byte piece: {@code <0xXX>}.
     *
     * @param b the byte; only its low eight bits are used
     * @return e.g. {@code <0x0A>} for 10 (upper-case hex)
     */
    public static String bytePiece(int b) {
        return String.format("<0x%02X>", b & 0xFF);
    }

    /**
     * This vocabulary with new pieces appended (ids {@code size()}, {@code size()+1}, ...), each
     * with score 0 and the given type (USER_DEFINED for tokens matched atomically in text,
     * CONTROL for tokens that text never produces).
     *
     * @param added the new pieces, none empty nor already defined for that type
     * @param type  the type of every new piece
     * @return a new vocabulary; this one is unchanged
     * @throws IllegalArgumentException when a new piece is empty or already defined
     */
    public Vocabulary withAddedPieces(List<String> added, PieceType type) {
        List<String> ps = new ArrayList<>(Arrays.asList(pieces));
        List<PieceType> ts = new ArrayList<>(Arrays.asList(types));
        float[] ss = Arrays.copyOf(scores, pieces.length + added.size());
        for (String p : added) {
            ps.add(p);
            ts.add(type);
        }
        return new Vocabulary("added tokens", ps, ss, ts, unkId, bosId, eosId, padId, byteFallback,
                normalization, unkSurface, mergeRules);
    }

    /**
     * The explicit merge rules ({left id, right id} in rank order), or null for all splits.
     *
     * @return the rules array itself (do not modify), or null
     */
    public int[][] mergeRules() {
        return mergeRules;
    }

    /** {@return the number of pieces, i.e. of ids} */
    public int size() {
        return pieces.length;
    }

    /**
     * The piece of an id, as stored (U+2581 for spaces).
     *
     * @param id an id in {@code [0, size())}
     * @return the piece
     * @throws IndexOutOfBoundsException when id is out of range
     */
    public String piece(int id) {
        return pieces[id];
    }

    /**
     * The BPE score of an id: among competing merges, the one giving the higher score wins.
     *
     * @param id an id in {@code [0, size())}
     * @return the score
     * @throws IndexOutOfBoundsException when id is out of range
     */
    public float score(int id) {
        return scores[id];
    }

    /**
     * The type of an id.
     *
     * @param id an id in {@code [0, size())}
     * @return the type, never null
     * @throws IndexOutOfBoundsException when id is out of range
     */
    public PieceType type(int id) {
        return types[id];
    }

    /** {@return where this vocabulary was read from (a file name), as error messages name it} */
    public String source() {
        return source;
    }

    /**
     * The unknown piece's id, for a character the vocabulary cannot spell otherwise.
     *
     * @param cp the character (a code point), named in the error
     * @return {@link #unkId()}
     * @throws IllegalArgumentException when there is no unknown piece, so the character has no id
     */
    int unkIdFor(int cp) {
        if (unkId < 0) {
            throw new IllegalArgumentException(source + ": cannot encode U+" + String.format("%04X", cp) + " ("
                    + new String(Character.toChars(cp)) + "): no piece spells it, "
                    + (byteFallback ? "a byte piece for one of its UTF-8 bytes is missing" : "byte fallback is off")
                    + ", and the vocabulary has no <unk> piece");
        }
        return unkId;
    }

    /** {@return the id of the UNKNOWN piece, or -1} */
    public int unkId() {
        return unkId;
    }

    /** {@return the beginning-of-sequence id, or -1} */
    public int bosId() {
        return bosId;
    }

    /** {@return the end-of-sequence id, or -1} */
    public int eosId() {
        return eosId;
    }

    /** {@return the padding id, or -1} */
    public int padId() {
        return padId;
    }

    /** {@return whether characters without a piece become byte pieces (else unk)} */
    public boolean byteFallback() {
        return byteFallback;
    }

    /** {@return the normalizer options applied before encoding} */
    public Normalization normalization() {
        return normalization;
    }

    /** {@return the text the UNKNOWN piece decodes to} */
    public String unkSurface() {
        return unkSurface;
    }

    /**
     * The id of a piece that text can be segmented into (NORMAL, USER_DEFINED, UNUSED), or -1.
     *
     * @param piece the piece, with U+2581 for spaces
     * @return its id, or -1 when no mergeable piece has this spelling
     */
    public int mergeableId(String piece) {
        Integer id = mergeableIds.get(piece);
        return id == null ? -1 : id;
    }

    /**
     * The id of any piece, or -1 (SentencePiece's PieceToId gives unk_id instead).
     * A mergeable piece wins over a reserved one of the same spelling.
     *
     * @param piece the piece, with U+2581 for spaces
     * @return its id, or -1
     */
    public int idOf(String piece) {
        Integer id = mergeableIds.get(piece);
        if (id == null) id = reservedIds.get(piece);
        return id == null ? -1 : id;
    }

    /**
     * The id of the byte-fallback piece of byte {@code b} (0..255), or -1.
     *
     * @param b the byte value, 0 to 255
     * @return the id of its {@code <0xXX>} piece, or -1 when there is none
     * @throws IndexOutOfBoundsException when b is outside 0..255
     */
    public int byteId(int b) {
        return byteIds[b];
    }

    /**
     * The raw scores (a copy).
     *
     * @return the scores by id, a fresh array
     */
    public float[] scores() {
        return scores.clone();
    }
}
