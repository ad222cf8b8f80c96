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
}
