package dev.calx.llama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfTokenizerJsonTest {
    /** The tokenizer.json that tools/tokenizer_fixtures.py wrote from Llama-2's tokenizer.model. */
    static SentencePieceTokenizer pythonWrittenJson() throws IOException {
        try (InputStream in = HfTokenizerJsonTest.class.getResourceAsStream("/tokenizer/llama2_tokenizer.json.gz")) {
            if (in == null) throw new IOException("missing test resource /tokenizer/llama2_tokenizer.json.gz");
            return HfTokenizerJson.parse("llama2_tokenizer.json", new GZIPInputStream(in));
        }
    }

    @Test
    void jsonHoldsTheModelsPiecesAndTypes() throws IOException {
        Vocabulary j = pythonWrittenJson().vocabulary();
        Vocabulary m = SentencePieceModel.load(TestData.llama2Model()).vocabulary();
        assertEquals(m.size(), j.size());
        for (int id = 0; id < m.size(); id++) {
            assertEquals(m.piece(id), j.piece(id), "piece " + id);
            assertEquals(m.type(id), j.type(id), "type " + id);
        }
        assertEquals(m.bosId(), j.bosId());
        assertEquals(m.eosId(), j.eosId());
        assertEquals(m.unkId(), j.unkId());
        assertEquals(Normalization.LLAMA, j.normalization());
        assertEquals(61249, j.mergeRules().length);
    }

    @Test
    void jsonEncodesAndDecodesEveryFixtureCaseAsTheSentencepieceLibrary() throws IOException {
        SentencePieceFixtureTest.checkCases("tokenizer.json", pythonWrittenJson());
    }

    @Test
    void fastEncoderMatchesTheObviousLoopWithExplicitMergeRules() throws IOException {
        SentencePieceTokenizer t = pythonWrittenJson();
        for (String s : Llama2cTokenizerTest.SAMPLES) assertArrayEquals(t.encodeNaive(s, false), t.encode(s, false), s);
    }

    @Test
    void javaWriterProducesTheSameMergesAsThePythonWriter() throws IOException {
        String written = HfTokenizerJson.serialize(SentencePieceModel.load(TestData.llama2Model()));
        JsonNode ours = Fixtures.JSON.readTree(written);
        JsonNode theirs;
        try (InputStream in = HfTokenizerJsonTest.class.getResourceAsStream("/tokenizer/llama2_tokenizer.json.gz")) {
            theirs = Fixtures.JSON.readTree(new GZIPInputStream(in));
        }
        assertEquals(theirs.path("model").path("merges"), ours.path("model").path("merges"));
        assertEquals(theirs.path("model").path("vocab"), ours.path("model").path("vocab"));
        assertEquals(theirs.path("normalizer"), ours.path("normalizer"));
    }

    @Test
    void writtenJsonReadsBackToTheSameIds(@TempDir Path dir) throws IOException {
        SentencePieceTokenizer m = SentencePieceModel.load(TestData.llama2Model())
                .withAddedTokens(java.util.List.of("<|code|>", "<|execution|>"));
        Path file = dir.resolve("tokenizer.json");
        HfTokenizerJson.write(m, file);
        SentencePieceTokenizer j = HfTokenizerJson.load(file);
        assertEquals(32002, j.vocabSize());
        assertEquals(PieceType.USER_DEFINED, j.vocabulary().type(32001));
        for (Fixtures.Case c : Fixtures.cases()) {
            if (c.text() == null || c.decode() != null) continue;
            assertArrayEquals(m.encode(c.text(), true), j.encode(c.text(), true), c.describe());
        }
        String text = "<|code|>print(1)<|execution|>1";
        assertArrayEquals(m.encode(text, false), j.encode(text, false));
        assertEquals(32000, j.encode(text, false)[1]);
    }

    @Test
    void unsupportedModelTypeIsAnErrorNamingTheField() {
        String json = "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}";
        IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.parse("x.json",
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("model.type"), e.getMessage());
        String badMerge = "{\"normalizer\": {\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\u2581\"},"
                + "\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}}";
        IOException e2 = assertThrows(IOException.class, () -> HfTokenizerJson.parse("y.json",
                new ByteArrayInputStream(badMerge.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e2.getMessage().contains("model.merges[0]"), e2.getMessage());
    }

    /** Leading zero bytes made the parser guess UTF-32 and fail with a CharConversionException naming no file. */
    @Test
    void leadingZeroBytesAndMalformedUtf8AreNamedWithTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.write(f, new byte[] {0, 0, 0, '{', '}'});
        IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON: Illegal character ((CTRL-CHAR, code 0))"), e.getMessage());
        Files.write(f, new byte[] {'{', '"', (byte) 0xC0, (byte) 0x80, '"', ':', '1', '}'});
        e = assertThrows(IOException.class, () -> HfTokenizerJson.load(f));
        assertEquals(f + ": the tokenizer is not valid UTF-8 (byte 0xC0 at byte 2 of the file)", e.getMessage());
    }

    /** Text after the root object was ignored, so a file that two writers appended to loaded as the first. */
    @Test
    void textAfterTheRootObjectIsAnError() {
        String json = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}\n{\"model\": {}}\n";
        IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.parse("t.json",
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertEquals("t.json: not valid JSON: text after the end of the JSON value", e.getMessage());
    }

    @Test
    void metaspacePreTokenizerIsTheSameAsPrependAndReplace(@TempDir Path dir) throws IOException {
        String base = HfTokenizerJson.serialize(pythonWrittenJson());
        JsonNode root = Fixtures.JSON.readTree(base);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root).putNull("normalizer");
        ((com.fasterxml.jackson.databind.node.ObjectNode) root).putObject("pre_tokenizer")
                .put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "first").put("split", false);
        Path file = dir.resolve("meta.json");
        Files.writeString(file, root.toString());
        SentencePieceTokenizer t = HfTokenizerJson.load(file);
        assertEquals(Normalization.LLAMA, t.vocabulary().normalization());
    }

    @Test
    void aSpellingUsedByTwoIdsIsRefusedInsteadOfOverwritingOne() {
        // "ab" is both a NORMAL piece (id 3) and a CONTROL one (id 4): a Vocabulary allows that,
        // but tokenizer.json keys model.vocab by spelling and gives an added token the vocab's id
        Vocabulary v = new Vocabulary("dup", java.util.List.of("<unk>", "a", "b", "ab", "ab"), new float[] {0, -1, -2, -3, 0},
                java.util.List.of(PieceType.UNKNOWN, PieceType.NORMAL, PieceType.NORMAL, PieceType.NORMAL, PieceType.CONTROL),
                0, -1, -1, -1, false, Normalization.LLAMA, null);
        IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.serialize(new SentencePieceTokenizer(v)));
        assertTrue(e.getMessage().contains("'ab'") && e.getMessage().contains("ids 3 and 4"), e.getMessage());
    }

    @Test
    void anIdThatIsNotASmallJsonIntegerIsNamedNotTruncated() {
        String head = "{\"normalizer\": {\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\u2581\"},"
                + "\"model\": {\"type\": \"BPE\", \"merges\": [], \"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": ";
        // each of these was read as id 2 by asInt
        for (String id : new String[] {"\"2\"", "2.5", "4294967298"}) {
            String json = head + id + "}}}";
            IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.parse("z.json",
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))), id);
            assertEquals("z.json: model.vocab[b]: expected a unique integer id from 0 to 2, found " + id, e.getMessage());
        }
        String added = head + "2}}, \"added_tokens\": [{\"id\": 2147483647, \"content\": \"<x>\"}]}";
        IOException e = assertThrows(IOException.class, () -> HfTokenizerJson.parse("z.json",
                new ByteArrayInputStream(added.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("z.json: added_tokens: expected an integer id from 0 to 3 and a content"), e.getMessage());
    }
}
