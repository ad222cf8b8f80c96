package dev.calx.examples;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateTextTest {
    static final Path DIR = Path.of(System.getProperty("calx.shared", "../shared"), "data/models/stories260K");

    static Path need(String name) {
        Path p = DIR.resolve(name);
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    @Test
    void greedyGenerationFromStories260kPrintsWhatLlama2cPrints() throws Exception {
        Path bin = need("stories260K.bin"), tok = need("tok512.bin"), expected = need("expected_greedy_200.txt");
        String out = Stdout.of(() -> GenerateText.main(new String[]{bin.toString(), tok.toString()}));
        assertEquals(Files.readString(expected), out); // llama2.c's run.c, greedy, 200 steps, no prompt
    }

    @Test
    void aPromptIsContinued() throws Exception {
        Path bin = need("stories260K.bin"), tok = need("tok512.bin");
        String out = Stdout.of(() -> GenerateText.main(new String[]{bin.toString(), tok.toString(), "Lily had a dog", "30", "0.8"}));
        assertTrue(out.startsWith("Lily had a dog"), out);
        assertTrue(out.length() > "Lily had a dog".length() + 20, "30 new tokens of text: " + out);
    }
}
