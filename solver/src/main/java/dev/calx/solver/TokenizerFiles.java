package dev.calx.solver;

import dev.calx.llama.tokenizer.Llama2cTokenizer;
import dev.calx.llama.tokenizer.SentencePieceModel;
import dev.calx.llama.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a tokenizer file by its kind: llama2.c tokenizer.bin, else SentencePiece tokenizer.model. */
final class TokenizerFiles {
    private TokenizerFiles() {}

    static Tokenizer load(Path p, int vocabSize) throws IOException {
        String name = p.getFileName().toString();
        if (name.endsWith(".json")) {
            throw new IllegalArgumentException(p + ": tokenizer.json is not readable by this build; pass tokenizer.model or tokenizer.bin");
        }
        return name.endsWith(".bin") ? Llama2cTokenizer.load(p, vocabSize) : SentencePieceModel.load(p);
    }
}
