package dev.calx.llama.tokenizer;

import java.util.List;

/**
 * The SentencePiece BPE tokenizer (Llama-2's): encodes and decodes exactly as the
 * {@code sentencepiece} library does for a BPE model with byte fallback. It works on a
 * {@link Vocabulary}, whichever file that came from ({@code tokenizer.model}, llama2.c
 * {@code tokenizer.bin}, Hugging Face {@code tokenizer.json}). Immutable and thread-safe.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private final Vocabulary vocabulary;
    private final BpeEncoder encoder;
    private final SentencePieceModel.Template template;

    /**
     * A tokenizer over a vocabulary. Building the encoder's tables takes time proportional to the
     * vocabulary (merge rules included), so reuse the instance.
     *
     * @param vocabulary the pieces, scores, types and normalizer options
     * @throws IllegalArgumentException when the vocabulary's merge rules do not fit its pieces
     */
    public SentencePieceTokenizer(Vocabulary vocabulary) {
        this(vocabulary, null);
    }

    SentencePieceTokenizer(Vocabulary vocabulary, SentencePieceModel.Template template) {
        this.vocabulary = vocabulary;
        this.encoder = new BpeEncoder(vocabulary);
        this.template = template;
    }

    /**
     * Reads a SentencePiece tokenizer.model.
     *
     * @param file a serialized SentencePiece ModelProto of a BPE model
     * @return the tokenizer, remembering the file's records so that saving it again is byte-identical
     * @throws java.io.IOException when the file cannot be read, is malformed, or is not a supported BPE model
     */
    public static SentencePieceTokenizer load(java.nio.file.Path file) throws java.io.IOException {
        return SentencePieceModel.load(file);
    }

    /** The raw fields of the tokenizer.model this came from, if any (kept for writing it back). */
    SentencePieceModel.Template template() {
        return template;
    }

    /** {@return the vocabulary this tokenizer encodes with} */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public int bosId() {
        return vocabulary.bosId();
    }

    @Override
    public int eosId() {
        return vocabulary.eosId();
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        return encoder.encode(text, addBos, false);
    }

    /**
     * Encodes text, optionally with BOS before and EOS after.
     *
     * @param text   the text; may be empty
     * @param addBos whether to put the BOS id first (ignored when there is none)
     * @param addEos whether to put the EOS id last (ignored when there is none)
     * @return the token ids, a fresh array
     */
    public int[] encode(CharSequence text, boolean addBos, boolean addEos) {
        return encoder.encode(text, addBos, addEos);
    }

    /**
     * Encodes raw UTF-8 bytes as the library does, malformed bytes included (each becomes U+FFFD,
     * where a Java string could only hold a lone surrogate).
     *
     * @param utf8   the text's bytes, possibly malformed
     * @param addBos whether to put the BOS id first
     * @return the token ids, a fresh array
     */
    public int[] encodeUtf8(byte[] utf8, boolean addBos) {
        return encoder.encode(Utf8.decode(utf8), addBos, false);
    }

    @Override
    public String decode(int[] ids) {
        StreamingDecoder d = new StreamingDecoder(vocabulary);
        StringBuilder sb = new StringBuilder(ids.length * 4);
        for (int id : ids) d.append(id, sb);
        d.finish(sb);
        return sb.toString();
    }

    /**
     * A decoder for ids that arrive one by one.
     *
     * @return a new decoder at the start of a text (not thread-safe; one per stream)
     */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(vocabulary);
    }

    @Override
    public String piece(int id) {
        return vocabulary.piece(id);
    }

    /**
     * The id of a piece (any type), or -1.
     *
     * @param piece the piece as stored, with U+2581 for spaces
     * @return its id, or -1 when the vocabulary has no such piece
     */
    public int idOf(String piece) {
        return vocabulary.idOf(piece);
    }

    /**
     * A tokenizer with these pieces appended as USER_DEFINED (matched atomically in text before
     * BPE, longest first); pieces already in the vocabulary are left where they are.
     *
     * @param tokens the tokens to add, e.g. {@link Tokenizers#MATHCODER_SPECIAL_TOKENS}; duplicates
     *               are added once, in first-occurrence order
     * @return a new tokenizer with ids {@code vocabSize()}, ... for the new pieces, or this one when
     *         every token is already present
     * @throws IllegalArgumentException when a token is empty
     */
    public SentencePieceTokenizer withAddedTokens(List<String> tokens) {
        List<String> fresh = tokens.stream().distinct().filter(t -> vocabulary.idOf(t) < 0).toList();
        return fresh.isEmpty() ? this
                : new SentencePieceTokenizer(vocabulary.withAddedPieces(fresh, PieceType.USER_DEFINED), template);
    }

    /**
     * The same ids as {@link #encode(String, boolean)} without the per-thread word cache (every
     * word goes through BPE): for benchmarks and for checking the cache.
     *
     * @param text   the text
     * @param addBos whether to put the BOS id first
     * @return the token ids, a fresh array
     */
    public int[] encodeWithoutWordCache(String text, boolean addBos) {
        return encoder.encode(text, addBos, false, BpeEncoder.Mode.WORDS);
    }

    /** SentencePiece's own way, one BPE over the whole text: for checking the word split. */
    int[] encodeWholeText(String text, boolean addBos) {
        return encoder.encode(text, addBos, false, BpeEncoder.Mode.WHOLE_TEXT);
    }

    /** Encoding by the obvious O(n²) loop, for checking the fast path. */
    int[] encodeNaive(String text, boolean addBos) {
        return NaiveBpe.encode(vocabulary, text, addBos);
    }
}
