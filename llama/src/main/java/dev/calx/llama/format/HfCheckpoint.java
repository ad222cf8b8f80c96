package dev.calx.llama.format;

import dev.calx.llama.LlamaModel;

import java.io.IOException;
import java.nio.file.Path;

public final class HfCheckpoint {
    private HfCheckpoint() {}

    public static LlamaModel read(Path path) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
