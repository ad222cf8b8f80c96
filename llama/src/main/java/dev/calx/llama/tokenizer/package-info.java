/**
 * Tokenizers that give the ids the {@code sentencepiece} library gives. Public API:
 * {@link dev.calx.llama.tokenizer.Tokenizer} (encode, decode), {@link dev.calx.llama.tokenizer.Tokenizers#load}
 * (SentencePiece {@code tokenizer.model}, HF {@code tokenizer.json}, llama2.c {@code tokenizer.bin},
 * or a directory holding one) and {@code Tokenizers.save}, {@link dev.calx.llama.tokenizer.SentencePieceTokenizer}
 * (added special tokens with {@code withAddedTokens}) and {@link dev.calx.llama.tokenizer.StreamingDecoder}
 * (text as tokens arrive). The file readers ({@code SentencePieceModel}, {@code HfTokenizerJson},
 * {@code Llama2cTokenizer}) and the vocabulary model ({@code Vocabulary}, {@code PieceType},
 * {@code Normalization}) are public for the converters; the encoder itself is package-private.
 */
package dev.calx.llama.tokenizer;
