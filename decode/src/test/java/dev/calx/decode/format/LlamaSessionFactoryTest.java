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
        }
    }
}
