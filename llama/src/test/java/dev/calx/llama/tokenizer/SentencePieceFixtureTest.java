package dev.calx.llama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids and texts the sentencepiece library produced (tools/tokenizer_fixtures.py) on Llama-2's vocabulary. */
class SentencePieceFixtureTest {
    private static SentencePieceTokenizer model() throws IOException {
        return SentencePieceModel.load(TestData.llama2Model());
    }

    static void checkCases(String label, Tokenizer base) throws IOException {
        Map<List<String>, SentencePieceTokenizer> withAdded = new HashMap<>();
        int checked = 0;
        for (Fixtures.Case c : Fixtures.cases()) {
            SentencePieceTokenizer t = (SentencePieceTokenizer) base;
            if (c.added() != null) t = withAdded.computeIfAbsent(c.added(), ((SentencePieceTokenizer) base)::withAddedTokens);
            if (c.decode() != null) {
                assertEquals(c.text(), t.decode(c.decode()), label + " decode " + c.describe());
            } else if (c.bytes() != null) {
                assertArrayEquals(c.ids(), t.encodeUtf8(c.bytes(), false), label + " " + c.describe());
            } else {
                assertArrayEquals(c.ids(), t.encode(c.text(), false), label + " " + c.describe());
                assertArrayEquals(c.ids(), t.encodeWholeText(c.text(), false), label + " whole text " + c.describe());
            }
            checked++;
        }
        assertTrue(checked > 1000, "only " + checked + " cases");
    }

    @Test
    void modelEncodesAndDecodesEveryFixtureCaseAsTheLibrary() throws IOException {
        checkCases("tokenizer.model", model());
    }

    @Test
    void llama2cBinGivesTheSameIdsAsTheModel() throws IOException {
        checkCases("tokenizer.bin", Llama2cTokenizer.load(TestData.llama2Bin(), 32000));
    }

    @Test
    void fastEncoderMatchesTheObviousLoopOnFixtureTexts() throws IOException {
        SentencePieceTokenizer t = model();
        int n = 0;
        for (Fixtures.Case c : Fixtures.cases()) {
            if (c.text() == null || c.decode() != null || c.added() != null || c.text().length() > 400) continue;
            assertArrayEquals(t.encodeNaive(c.text(), true), t.encode(c.text(), true), c.describe());
            assertArrayEquals(t.encodeWithoutWordCache(c.text(), true), t.encode(c.text(), true), c.describe());
            assertArrayEquals(t.encodeWholeText(c.text(), true), t.encode(c.text(), true), c.describe());
            n++;
        }
        assertTrue(n > 300, "only " + n + " texts");
    }

    @Test
    void decodeInvertsEncodeOnEveryValidFixtureText() throws IOException {
        SentencePieceTokenizer t = model();
        int n = 0;
        for (Fixtures.Case c : Fixtures.cases()) {
            // A literal U+2581 is SentencePiece's own space symbol: it decodes to ' ', by design.
            if (c.text() == null || c.decode() != null || c.text().indexOf('\u2581') >= 0) continue;
            n++;
            SentencePieceTokenizer tt = c.added() == null ? t : t.withAddedTokens(c.added());
            assertEquals(c.text(), tt.decode(tt.encode(c.text(), true)), c.describe());
        }
        assertTrue(n > 900, "only " + n + " texts");
        assertEquals("  x", t.decode(t.encode("\u2581 x", false)));
    }

    @Test
    void loneSurrogatesEncodeAsReplacementCharacters() throws IOException {
        SentencePieceTokenizer t = model();
        assertArrayEquals(t.encode("a\uFFFDb\uFFFD", false), t.encode("a\uD800b\uDC00", false));
        assertArrayEquals(t.encode("\uFFFD😀", false), t.encode("\uDBFF😀", false));
    }

    @Test
    void streamingDecoderConcatenatesToTheBatchDecode() throws IOException {
        SentencePieceTokenizer t = model();
        for (Fixtures.Case c : Fixtures.cases()) {
            if (c.decode() == null || c.added() != null) continue;
            StreamingDecoder d = t.streamingDecoder();
            StringBuilder sb = new StringBuilder();
            for (int id : c.decode()) sb.append(d.next(id));
            sb.append(d.finish());
            assertEquals(c.text(), sb.toString(), c.describe());
        }
    }

    /**
     * Every GSM8K train question+answer and MATH test5000 problem+solution: number of ids and
     * CRC-32 of the ids, against the library's (the fixture holds only the checksums).
     */
    @Test
    void allGsm8kTrainAndMathTestRowsMatchTheLibraryChecksums() throws IOException {
        checkCorpus(model());
    }

    @Test
    void llama2cBinAndTokenizerJsonMatchTheSameChecksums() throws IOException {
        checkCorpus(Llama2cTokenizer.load(TestData.llama2Bin(), 32000));
        checkCorpus(HfTokenizerJsonTest.pythonWrittenJson());
    }

    static void checkCorpus(SentencePieceTokenizer t) throws IOException {
        Map<String, String[]> fields = Map.of("gsm8k/train", new String[] {"question", "answer"},
                "math/test5000", new String[] {"problem", "solution"});
        Map<String, List<JsonNode>> rows = new HashMap<>();
        for (String set : fields.keySet()) rows.put(set, readJsonl(TestData.shared("data/" + set + ".jsonl")));
        int checked = 0;
        for (JsonNode expected : Fixtures.gzJsonLines("llama2_corpus_crc.jsonl.gz")) {
            String set = expected.get("set").asText();
            int row = expected.get("row").asInt();
            JsonNode r = rows.get(set).get(row);
            List<Integer> ids = new ArrayList<>();
            for (String f : fields.get(set)) {
                String text = r.get(f).asText();
                int[] enc = t.encode(text, false);
                if (row % 10 == 0) {
                    assertArrayEquals(t.encodeWithoutWordCache(text, false), enc, set + " row " + row + " word cache");
                    assertArrayEquals(t.encodeWholeText(text, false), enc, set + " row " + row + " word split");
                }
                for (int id : enc) ids.add(id);
                assertEquals(text, t.decode(enc), set + " row " + row + " " + f + " round trip");
            }
            assertEquals(expected.get("n").asInt(), ids.size(), set + " row " + row + " id count");
            assertEquals(expected.get("crc").asLong(), crc(ids), set + " row " + row + " id checksum");
            checked++;
        }
        assertEquals(7473 + 5000, checked);
    }

    static long crc(List<Integer> ids) {
        ByteBuffer b = ByteBuffer.allocate(4 * ids.size()).order(ByteOrder.LITTLE_ENDIAN);
        ids.forEach(b::putInt);
        CRC32 c = new CRC32();
        c.update(b.array());
        return c.getValue();
    }

    static List<JsonNode> readJsonl(Path p) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(p)) {
            for (String s; (s = r.readLine()) != null; ) {
                if (!s.isBlank()) out.add(Fixtures.JSON.readTree(s));
            }
        }
        return out;
    }
}
