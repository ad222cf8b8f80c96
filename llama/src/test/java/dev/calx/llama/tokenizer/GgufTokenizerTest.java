package dev.calx.llama.tokenizer;

import dev.calx.llama.LlamaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokenizers built from GGUF metadata (files written by tools/gguf_tokenizer_fixture.py from the
 * sentencepiece library, the way llama.cpp's converter fills tokenizer.ggml.*) give the library's
 * ids, and the same vocabulary as the tokenizer.model / tokenizer.bin they came from.
 */
class GgufTokenizerTest {
    @TempDir
    Path tmp;

    /** The Llama-2 tokenizer GGUF (no tensors), unzipped to a file without the .gguf extension (detected by magic). */
    Path llama2Gguf() throws IOException {
        Path p = tmp.resolve("llama2-tokenizer");
        try (InputStream in = new GZIPInputStream(GgufTokenizerTest.class.getResourceAsStream("/tokenizer/llama2_tokenizer.gguf.gz"))) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    static Path tinyTok512() {
        try {
            return Path.of(GgufTokenizerTest.class.getResource("/fixtures/tiny_tok512.gguf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertSameVocabulary(Vocabulary want, Vocabulary got) {
        assertEquals(want.size(), got.size(), "size");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.piece(i), got.piece(i), "piece " + i);
            assertEquals(Float.floatToIntBits(want.score(i)), Float.floatToIntBits(got.score(i)), "score of " + i);
            assertEquals(want.type(i), got.type(i), "type of " + i);
        }
        assertEquals(want.unkId(), got.unkId());
        assertEquals(want.bosId(), got.bosId());
        assertEquals(want.eosId(), got.eosId());
        assertEquals(want.byteFallback(), got.byteFallback());
        assertEquals(want.normalization(), got.normalization());
    }

    @Test
    void llama2GgufTokenizerGivesTheLibraryIdsOnEveryFixtureCase() throws IOException {
        SentencePieceTokenizer t = Tokenizers.load(llama2Gguf());
        assertEquals(32000, t.vocabSize());
        SentencePieceFixtureTest.checkCases("GGUF metadata", t);
    }

    @Test
    void llama2GgufVocabularyAndIdsEqualTokenizerModel() throws IOException {
        SentencePieceTokenizer model = SentencePieceModel.load(TestData.llama2Model());
        SentencePieceTokenizer gguf = GgufTokenizer.load(llama2Gguf());
        assertSameVocabulary(model.vocabulary(), gguf.vocabulary());
        int n = 0;
        for (Fixtures.Case c : Fixtures.cases()) {
            if (c.text() == null || c.decode() != null || c.added() != null) continue;
            assertArrayEquals(model.encode(c.text(), true), gguf.encode(c.text(), true), c.describe());
            n++;
        }
        assertTrue(n > 900, "only " + n + " texts");
    }

    @Test
    void tok512FromAGgufModelMatchesTheLibraryAndTokenizerBin() throws IOException {
        Path gguf = tinyTok512();
        SentencePieceTokenizer t;
        try (LlamaModel m = LlamaModel.load(gguf)) {
            assertTrue(GgufTokenizer.present(m.metadata()));
            t = GgufTokenizer.fromMetadata(gguf.toString(), m.metadata());
        }
        assertEquals(512, t.vocabSize());
        int n = 0;
        for (var c : Fixtures.gzJsonLines("tok512_cases.jsonl.gz")) {
            assertArrayEquals(Fixtures.ints(c.get("ids")), t.encode(c.get("text").asText(), false), "tok512: " + c.get("text"));
            n++;
        }
        assertTrue(n > 150, "only " + n + " cases");
        assertSameVocabulary(Llama2cTokenizer.load(TestData.tok512(), 512).vocabulary(), t.vocabulary());
    }

    @Test
    void unsupportedOrInconsistentMetadataIsAnErrorNamingTheKey() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(dev.calx.llama.format.GgufFile.readMetadata(tinyTok512()));
        Map<String, Object> gpt2 = new LinkedHashMap<>(m);
        gpt2.put("tokenizer.ggml.model", "gpt2");
        assertTrue(assertThrows(IOException.class, () -> GgufTokenizer.fromMetadata("x.gguf", gpt2)).getMessage()
                .contains("tokenizer.ggml.model is 'gpt2'"));
        Map<String, Object> shortTypes = new LinkedHashMap<>(m);
        shortTypes.put("tokenizer.ggml.token_type", new ArrayList<>(((List<?>) m.get("tokenizer.ggml.token_type")).subList(0, 10)));
        assertTrue(assertThrows(IOException.class, () -> GgufTokenizer.fromMetadata("x.gguf", shortTypes)).getMessage()
                .contains("token_type has 10 entries but there are 512 tokens"));
        Map<String, Object> none = new LinkedHashMap<>(m);
        none.remove("tokenizer.ggml.tokens");
        assertTrue(assertThrows(IOException.class, () -> GgufTokenizer.fromMetadata("x.gguf", none)).getMessage()
                .contains("tokenizer.ggml.tokens is missing"));
    }

    @Test
    void aSpecialIdThatIsNotAnIntIdIsAnErrorNotAWrappedId() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(dev.calx.llama.format.GgufFile.readMetadata(tinyTok512()));
        // 2^32 + 1 used to become id 1 (BOS) through intValue(), 2^33 id 0, and 5.5 id 5
        Object[][] cases = {{"bos_token_id", (1L << 32) + 1, "= 4294967297 is not a token id"},
                {"eos_token_id", 1L << 33, "= 8589934592 is not a token id"},
                {"unknown_token_id", 5.5, "is not an integer (5.5)"}};
        for (Object[] c : cases) {
            Map<String, Object> bad = new LinkedHashMap<>(m);
            bad.put("tokenizer.ggml." + c[0], c[1]);
            String msg = assertThrows(IOException.class, () -> GgufTokenizer.fromMetadata("x.gguf", bad)).getMessage();
            assertEquals("x.gguf: tokenizer.ggml." + c[0] + " " + c[2], msg);
        }
        Map<String, Object> wideType = new LinkedHashMap<>(m);
        List<Object> types = new ArrayList<>((List<?>) m.get("tokenizer.ggml.token_type"));
        types.set(7, (1L << 32) + 1); // was read as 1, NORMAL
        wideType.put("tokenizer.ggml.token_type", types);
        assertTrue(assertThrows(IOException.class, () -> GgufTokenizer.fromMetadata("x.gguf", wideType)).getMessage()
                .contains("token_type[7] = 4294967297 is not a SentencePiece piece type"));
    }
}
