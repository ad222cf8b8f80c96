package dev.calx.llama.tokenizer;

/**
 * Text to token ids and back. Implementations: SentencePiece {@code tokenizer.model}, Hugging
 * Face {@code tokenizer.json}, llama2.c {@code tokenizer.bin}; all give the ids the
 * {@code sentencepiece} library gives for the same vocabulary.
 */
public interface Tokenizer {
    /** {@return the number of ids, including added tokens} */
    int vocabSize();

    /** {@return the beginning-of-sequence id, or -1 when the vocabulary has none} */
    int bosId();

    /** {@return the end-of-sequence id, or -1 when the vocabulary has none} */
    int eosId();

    /**
     * Encodes text; added special tokens match atomically before BPE.
     *
     * @param text   the text; may be empty
     * @param addBos whether to put {@link #bosId()} first (ignored when there is no BOS)
     * @return the token ids, a fresh array
     */
    int[] encode(String text, boolean addBos);

    /**
     * Decodes ids to text (byte-fallback pieces reassembled; BOS/EOS dropped).
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @return the text; malformed byte sequences become U+FFFD
     * @throws IllegalArgumentException when an id is outside the vocabulary
     */
    String decode(int[] ids);

    /**
     * The raw piece of an id (for debugging and llama2.c-style streaming).
     *
     * @param id a token id in {@code [0, vocabSize())}
     * @return the piece as stored, with U+2581 for spaces and {@code <0xXX>} for byte pieces
     * @throws IndexOutOfBoundsException when id is outside the vocabulary
     */
    String piece(int id);
}
