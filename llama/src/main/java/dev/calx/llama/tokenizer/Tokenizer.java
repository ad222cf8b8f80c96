package dev.calx.llama.tokenizer;

/**
 * Text to token ids and back. Implementations: SentencePiece {@code tokenizer.model}, Hugging
 * Face {@code tokenizer.json}, llama2.c {@code tokenizer.bin}; all give the ids the
 * {@code sentencepiece} library gives for the same vocabulary.
 */
public interface Tokenizer {
    int vocabSize();

    int bosId();

    int eosId();

    /** Encodes text; added special tokens match atomically before BPE. */
    int[] encode(String text, boolean addBos);

    /** Decodes ids to text (byte-fallback pieces reassembled; BOS/EOS dropped). */
    String decode(int[] ids);

    /** The raw piece of an id (for debugging and llama2.c-style streaming). */
    String piece(int id);
}
