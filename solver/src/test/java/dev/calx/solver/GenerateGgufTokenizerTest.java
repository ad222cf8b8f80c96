package dev.calx.solver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code calx generate} on a GGUF model without --tokenizer takes the tokenizer from the GGUF
 * metadata: the text equals what the same weights give as a llama2.c .bin with llama2.c's own
 * tokenizer.bin for that vocabulary (tools/gguf_tokenizer_fixture.py writes the GGUF).
 */
class GenerateGgufTokenizerTest {
    static final Path GGUF = LlamaCommandsTest.FIXTURES.resolve("tiny_tok512.gguf");

    @TempDir
    Path tmp;

    @Test
    void ggufWithoutTokenizerOptionGeneratesTheSameTextAsTheBinWithTokenizerBin() {
        Path tok512 = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K/tok512.bin");
        Assumptions.assumeTrue(Files.exists(tok512), "missing " + tok512);
        Assumptions.assumeTrue(Files.exists(GGUF), "missing " + GGUF);
        String prompt = "Once upon a time, Lily";
        String fromGguf = LlamaCommandsTest.run("generate", "--model", GGUF.toString(), "--prompt", prompt,
                "--temperature", "0", "--steps", "40");
        LlamaCommandsTest.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", tmp.resolve("tiny.bin").toString());
        String fromBin = LlamaCommandsTest.run("generate", "--model", tmp.resolve("tiny.bin").toString(), "--tokenizer",
                tok512.toString(), "--prompt", prompt, "--temperature", "0", "--steps", "40");
        assertEquals(fromBin, fromGguf);
        assertTrue(fromGguf.startsWith(prompt) && fromGguf.strip().length() > prompt.length() + 10,
                "text, not ids, and more than the prompt: " + fromGguf);
    }
}
