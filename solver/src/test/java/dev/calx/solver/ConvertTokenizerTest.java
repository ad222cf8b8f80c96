package dev.calx.solver;

import dev.calx.llama.LlamaModel;
import dev.calx.llama.tokenizer.GgufTokenizer;
import dev.calx.llama.tokenizer.SentencePieceModel;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code calx convert} carries the model's tokenizer into the output. The reference for the
 * GGUF metadata's tokenizer is llama2.c's own tok512.bin, which tools/gguf_tokenizer_fixture.py
 * put into the GGUF fixture.
 */
class ConvertTokenizerTest {
    static final Path GGUF = LlamaCommandsTest.FIXTURES.resolve("tiny_tok512.gguf");
    static final Path TOK512 = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K/tok512.bin");

    @TempDir
    Path tmp;
    @RegisterExtension
    final Std std = new Std();

    @Test
    void ggufToLlama2cWritesLlama2csOwnTokenizerBinBesideIt() throws Exception {
        Assumptions.assumeTrue(Files.exists(TOK512), "missing " + TOK512);
        Assumptions.assumeTrue(Files.exists(GGUF), "missing " + GGUF);
        Path bin = tmp.resolve("l/tiny.bin");
        LlamaCommandsTest.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", bin.toString());
        assertArrayEquals(Files.readAllBytes(TOK512), Files.readAllBytes(tmp.resolve("l/tokenizer.bin")), "byte for byte");

        // another tokenizer.bin already there (other models of the directory may use it): refused, nothing written
        Path shared = tmp.resolve("s");
        Files.createDirectories(shared);
        byte[] other = java.util.Arrays.copyOf(Files.readAllBytes(TOK512), 450);
        Files.write(shared.resolve("tokenizer.bin"), other);
        std.reset();
        assertEquals(1, Main.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", shared.resolve("tiny.bin").toString()));
        assertTrue(std.err().contains(shared.resolve("tokenizer.bin") + " exists and is not the tokenizer of " + GGUF), std.err());
        assertFalse(Files.exists(shared.resolve("tiny.bin")), "the weights were not written either");
        assertArrayEquals(other, Files.readAllBytes(shared.resolve("tokenizer.bin")));
        // --no-tokenizer writes the weights and leaves it alone
        assertEquals(0, Main.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", shared.resolve("tiny.bin").toString(),
                "--no-tokenizer"), std.err());
        assertTrue(Files.exists(shared.resolve("tiny.bin")));
        assertArrayEquals(other, Files.readAllBytes(shared.resolve("tokenizer.bin")));
    }

    @Test
    void ggufToHfWritesATokenizerModelThatEncodesAsTheGgufsAndRemovesAnOldTokenizerJson() throws Exception {
        Assumptions.assumeTrue(Files.exists(GGUF), "missing " + GGUF);
        Path hf = tmp.resolve("hf");
        Files.createDirectories(hf);
        Files.writeString(hf.resolve("tokenizer.json"), "{}");
        Files.writeString(hf.resolve("added_tokens.json"), "{\"<|text|>\": 512}");
        LlamaCommandsTest.run("convert", "--model", GGUF.toString(), "--to", "hf", "--out", hf.toString());
        assertFalse(Files.exists(hf.resolve("tokenizer.json")), "a loader would have preferred the stale file's neighbour");
        assertFalse(Files.exists(hf.resolve("added_tokens.json")));
        SentencePieceTokenizer written = SentencePieceModel.load(hf.resolve("tokenizer.model"));
        SentencePieceTokenizer fromGguf;
        try (LlamaModel m = LlamaModel.load(GGUF)) {
            fromGguf = GgufTokenizer.fromMetadata(GGUF.toString(), m.metadata());
        }
        assertEquals(fromGguf.vocabSize(), written.vocabSize());
        for (String text : new String[] {"Once upon a time, there was a little girl named Lily.", "  two  spaces\nnewline\ttab",
                "café 東京 🙂", "She had 3 red balls and 12 blue ones!"}) {
            assertArrayEquals(fromGguf.encode(text, true), written.encode(text, true), text);
        }
        // the HF output as a source: its tokenizer.model is copied byte for byte, with an added_tokens.json beside it
        Files.writeString(hf.resolve("added_tokens.json"), "{}");
        Path again = tmp.resolve("hf2");
        LlamaCommandsTest.run("convert", "--model", hf.toString(), "--to", "hf", "--out", again.toString());
        assertArrayEquals(Files.readAllBytes(hf.resolve("tokenizer.model")), Files.readAllBytes(again.resolve("tokenizer.model")));
        assertEquals("{}", Files.readString(again.resolve("added_tokens.json")));
    }

    @Test
    void aTokenizerThatTokenizerBinCannotHoldGoesBesideALlama2cFileAsTokenizerModel() throws Exception {
        Assumptions.assumeTrue(DefaultModel.present(), "this build has no embedded default model");
        Path src = DefaultModel.directory(tmp.resolve("cache"));
        Path bin = tmp.resolve("l/m.bin");
        std.reset();
        LlamaCommandsTest.run("convert", "--model", src.toString(), "--to", "llama2c", "--out", bin.toString());
        // MathCoder-style special tokens are USER_DEFINED pieces, which tokenizer.bin has no field for
        assertTrue(std.err().contains("cannot record that piece 3 ('<|user|>') is USER_DEFINED"), std.err());
        assertTrue(std.err().contains("so " + bin + " gets a tokenizer.model beside it instead"), std.err());
        assertArrayEquals(Files.readAllBytes(src.resolve("tokenizer.model")), Files.readAllBytes(tmp.resolve("l/tokenizer.model")));
        assertFalse(Files.exists(tmp.resolve("l/tokenizer.bin")));

        // a tokenizer.bin output beside a tokenizer.model that calx would read first: refused
        Assumptions.assumeTrue(Files.exists(GGUF), "missing " + GGUF);
        assertEquals(1, Main.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", tmp.resolve("l/tiny.bin").toString()));
        assertTrue(std.err().contains(tmp.resolve("l/tokenizer.model") + " exists, and calx would read it as the tokenizer of "), std.err());
        assertFalse(Files.exists(tmp.resolve("l/tiny.bin")));
    }

    @Test
    void aSourceWithoutATokenizerIsSaidAndAnExplicitOneIsTaken() throws Exception {
        Assumptions.assumeTrue(Files.exists(TOK512), "missing " + TOK512);
        Assumptions.assumeTrue(Files.exists(GGUF), "missing " + GGUF);
        Path bin = tmp.resolve("a/tiny.bin");
        LlamaCommandsTest.run("convert", "--model", GGUF.toString(), "--to", "llama2c", "--out", bin.toString(), "--no-tokenizer");
        std.reset();
        Path hf = tmp.resolve("hf");
        LlamaCommandsTest.run("convert", "--model", bin.toString(), "--to", "hf", "--out", hf.toString());
        assertTrue(std.err().contains("calx convert: no tokenizer found for " + bin + ", so " + hf + " gets none (pass --tokenizer)"), std.err());
        assertFalse(Files.exists(hf.resolve("tokenizer.model")));
        LlamaCommandsTest.run("convert", "--model", bin.toString(), "--to", "hf", "--out", hf.toString(), "--tokenizer", TOK512.toString());
        assertEquals(512, SentencePieceModel.load(hf.resolve("tokenizer.model")).vocabSize());
        assertEquals(1, Main.run("convert", "--model", bin.toString(), "--to", "hf", "--out", hf.toString(), "--tokenizer", TOK512.toString(),
                "--no-tokenizer"));
        assertTrue(std.err().contains("--tokenizer and --no-tokenizer exclude each other"), std.err());
    }
}
