package dev.calx.decode.format;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.tokenizer.Llama2cTokenizer;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A loaded Llama checkpoint and its tokenizer as a SessionFactory. The tokenizer is the given
 * file ({@code tokenizer.model} or a llama2.c {@code tokenizer.bin}), or {@code tokenizer.model}
 * inside a Hugging Face model directory, or {@code tokenizer.bin} beside a llama2.c file.
 */
public final class LlamaSessionFactory implements SessionFactory, AutoCloseable {
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final int maxLength;

    public LlamaSessionFactory(LlamaModel model, Tokenizer tokenizer, int maxLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = Math.min(maxLength <= 0 ? Integer.MAX_VALUE : maxLength, model.config().maxPositionEmbeddings());
    }

    public static LlamaSessionFactory open(Path modelPath, Path tokenizerPath, int maxLength) throws IOException {
        LlamaModel model = LlamaModel.load(modelPath);
        Path tok = tokenizerPath != null ? tokenizerPath : findTokenizer(modelPath);
        Tokenizer t = tok.getFileName().toString().endsWith(".bin")
                ? Llama2cTokenizer.load(tok, model.config().vocabSize())
                : SentencePieceTokenizer.load(tok);
        if (t.vocabSize() != model.config().vocabSize()) {
            throw new IOException(tok + ": tokenizer has " + t.vocabSize() + " pieces but " + modelPath + " has vocab_size "
                    + model.config().vocabSize());
        }
        return new LlamaSessionFactory(model, t, maxLength);
    }

    static Path findTokenizer(Path modelPath) throws IOException {
        Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.toAbsolutePath().getParent();
        for (String name : new String[] {"tokenizer.model", "tokenizer.bin"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("no tokenizer.model or tokenizer.bin next to " + modelPath + "; pass --tokenizer");
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public InferenceSession newSession() {
        return model.newSession(maxLength);
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        model.close();
    }
}
