package dev.calx.llama.format;

import dev.calx.llama.LlamaModel;

import java.io.IOException;
import java.nio.file.Path;

public final class Gguf {
    private Gguf() {}

    public static boolean hasMagic(Path p) {
        return false;
    }

    public static LlamaModel read(Path path) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
