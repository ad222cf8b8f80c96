package dev.calx.decode.format;

import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaSessionFactoryTest {
    @TempDir
    Path dir;

    private static SentencePieceTokenizer llama() throws IOException {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/tokenizers/llama2/tokenizer.model");
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return SentencePieceTokenizer.load(p);
    }

    @Test
    void addedTokensJsonGivesMathCodersSpecialTokensTheirIds() throws IOException {
        SentencePieceTokenizer base = llama();
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < MathCoderFormat.SPECIAL_TOKENS.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(MathCoderFormat.SPECIAL_TOKENS.get(i)).append("\":").append(32000 + i);
        }
        Path f = dir.resolve("added_tokens.json");
        Files.writeString(f, json.append('}').toString());
        SentencePieceTokenizer t = LlamaSessionFactory.withAddedTokens(base, f);
        assertEquals(32008, t.vocabSize());
        int endBlock = 32000 + MathCoderFormat.SPECIAL_TOKENS.indexOf("<|endofblock|>");
        int code = 32000 + MathCoderFormat.SPECIAL_TOKENS.indexOf("<|code|>");
        assertEquals(endBlock, MathCoderFormat.singleToken(t, "<|endofblock|>"));
        int[] ids = t.encode("<|code|>print(1)<|endofblock|>", false);
        assertTrue(java.util.Arrays.stream(ids).anyMatch(i -> i == code) && java.util.Arrays.stream(ids).anyMatch(i -> i == endBlock));
        assertArrayEquals(base.encode("hello world", true), t.encode("hello world", true), "ordinary text is unchanged");
    }

    @Test
    void addedTokenIdsThatDoNotFollowTheVocabularyAreRejected() throws IOException {
        SentencePieceTokenizer base = llama();
        Path f = dir.resolve("added_tokens.json");
        Files.writeString(f, "{\"<|text|>\": 32005}");
        var e = assertThrows(IOException.class, () -> LlamaSessionFactory.withAddedTokens(base, f));
        assertTrue(e.getMessage().contains("32005") && e.getMessage().contains("<|text|>"), e.getMessage());
    }

    @Test
    void ggufModelWithoutTokenizerPathUsesTheTokenizerInItsMetadata() throws IOException {
        Path gguf = Path.of("../llama/src/test/resources/fixtures/tiny_tok512.gguf");
        Path tok512 = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/models/stories260K/tok512.bin");
        Assumptions.assumeTrue(Files.exists(gguf), "missing " + gguf);
        Assumptions.assumeTrue(Files.exists(tok512), "missing " + tok512);
        try (LlamaSessionFactory f = LlamaSessionFactory.open(gguf, null, 0)) {
            assertEquals(512, f.tokenizer().vocabSize());
            var ref = dev.calx.llama.tokenizer.Llama2cTokenizer.load(tok512, 512);
            String text = "Once upon a time, there was a little girl named Lily. She liked 3 red balls!";
            assertArrayEquals(ref.encode(text, true), f.tokenizer().encode(text, true));
            assertEquals(java.util.List.of(gguf), f.files(), "the tokenizer is inside the file");
        }
    }

    @Test
    void filesAreTheOnesALoadReadsInAFixedOrder() throws IOException {
        Path sharded = Path.of("../llama/src/test/resources/fixtures/b_hf_bf16_sharded");
        Path tok512 = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/models/stories260K/tok512.bin");
        Assumptions.assumeTrue(Files.isDirectory(sharded), "missing " + sharded);
        Assumptions.assumeTrue(Files.exists(tok512), "missing " + tok512);
        // a stray safetensors file the index does not name is not part of the checkpoint
        Path copy = dir.resolve("sharded");
        Files.createDirectories(copy);
        try (var s = Files.list(sharded)) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()));
        }
        Files.write(copy.resolve("stray.safetensors"), new byte[8]);
        Path added = dir.resolve("tok/added_tokens.json"), tok = dir.resolve("tok/tokenizer.bin");
        Files.createDirectories(tok.getParent());
        // the first 32 of tok512's pieces (they end at byte 450), for the fixture's vocab_size 32
        Files.write(tok, java.util.Arrays.copyOf(Files.readAllBytes(tok512), 450));
        Files.writeString(added, "{}");
        try (LlamaSessionFactory f = LlamaSessionFactory.open(copy, tok, 0)) {
            assertEquals(java.util.List.of(copy.resolve("config.json"), copy.resolve("model.safetensors.index.json"),
                    copy.resolve("model-00001-of-00002.safetensors"), copy.resolve("model-00002-of-00002.safetensors"), tok, added),
                    f.files());
        }
    }
}
