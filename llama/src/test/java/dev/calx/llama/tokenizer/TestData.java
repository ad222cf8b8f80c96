package dev.calx.llama.tokenizer;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the shared reference files; tests skip, naming the file, when one is missing. */
final class TestData {
    private TestData() {
    }

    static Path shared(String relative) {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    static Path llama2Model() {
        return shared("data/tokenizers/llama2/tokenizer.model");
    }

    static Path llama2Bin() {
        return shared("data/tokenizers/llama2/tokenizer.bin");
    }

    static Path tok512() {
        return shared("data/models/stories260K/tok512.bin");
    }
}
