package dev.calx.trainer.data;

import dev.calx.decode.format.MathCoderFormat;
import dev.calx.decode.format.Span;
import dev.calx.decode.format.SpanKind;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DataPipelineTest {
    static Tokenizer llama;
    @TempDir Path tmp;

    @BeforeAll
    static void load() throws Exception {
        Path p = Path.of(System.getProperty("calx.shared", "../shared"), "data/tokenizers/llama2/tokenizer.model");
        llama = Files.exists(p) ? SentencePieceTokenizer.load(p) : null;
    }

    static void needLlama() {
        Assumptions.assumeTrue(llama != null, "missing ../shared/data/tokenizers/llama2/tokenizer.model");
    }

    /** The text a run of tokens stands for (pieces reassembled independently of the code under test: via decode). */
    static String text(int[] ids, boolean[] trained, boolean want, int from) {
        return text(llama, ids, trained, want, from);
    }

    static String text(Tokenizer tok, int[] ids, boolean[] trained, boolean want, int from) {
        List<Integer> run = new ArrayList<>();
        for (int i = from; i < ids.length; i++) if (trained[i] == want) run.add(ids[i]);
        return tok.decode(run.stream().mapToInt(Integer::intValue).toArray());
    }

    static Sample sample(DataFormat f, String json) throws Exception {
        return sample(f, json, llama);
    }

    static Sample sample(DataFormat f, String json, Tokenizer tok) throws Exception {
        Path file = Files.createTempFile("calx-data", ".jsonl");
        try {
            Files.writeString(file, json + "\n");
            Example ex = f.read(Jsonl.read(file).getFirst());
            return new SpanTokenizer(tok, 4096).tokenize("t", f.render(ex));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void toraMasksPromptAndOutputTextButTrainsOutputOpenerCodeAndEos() throws Exception {
        needLlama();
        String sol = "Let's compute.\n```python\nprint(2+3)\n```\n```output\n5\n```\nThe answer is $\\boxed{5}$.";
        Sample s = sample(DataFormat.TORA, "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2+3?\"}, {\"role\": \"assistant\", \"content\": "
                + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(sol) + "}]}");
        int[] ids = s.ids();
        assertEquals(llama.bosId(), ids[0]);
        assertEquals(1, java.util.Arrays.stream(ids).filter(i -> i == llama.bosId()).count(), "one BOS");
        assertEquals(llama.eosId(), ids[ids.length - 1]);
        assertTrue(s.trained()[ids.length - 1], "EOS trained");
        // masked: the prompt, then exactly what decode's tora loop appends after the opener (output and closing fence)
        String masked = text(ids, s.trained(), false, 1);
        assertEquals("<|user|>\nWhat is 2+3?\n<|assistant|>\n\n5\n```\n", masked);
        // trained: everything else, the ```output opener included
        assertEquals("Let's compute.\n```python\nprint(2+3)\n```\n```outputThe answer is $\\boxed{5}$.", text(ids, s.trained(), true, 1));
        // and it is the same token sequence the whole text encodes to at inference
        int[] whole = llama.encode("<|user|>\nWhat is 2+3?\n<|assistant|>\n" + sol, true);
        assertArrayEquals(whole, java.util.Arrays.copyOf(ids, ids.length - 1));
    }

    @Test
    void alpacaTrainsOnlyTheOutputAndEos() throws Exception {
        needLlama();
        Sample s = sample(DataFormat.ALPACA, "{\"instruction\": \"Add 2 and 3.\", \"output\": \"2 + 3 = 5. The answer is 5\"}");
        assertEquals("2 + 3 = 5. The answer is 5", text(s.ids(), s.trained(), true, 1));
        assertTrue(text(s.ids(), s.trained(), false, 1).endsWith("### Instruction:\nAdd 2 and 3.\n\n### Response:"));
        assertTrue(s.trained()[s.length() - 1]);
        assertFalse(s.trained()[0]);
    }

    @Test
    void mathCoderMasksExecutionBlocksWhole() throws Exception {
        needLlama();
        String row = "{\"messages\": [{\"role\": \"system\", \"content\": [{\"type\": \"text\", \"content\": \"You are a helper.\"}]},"
                + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"content\": \"2+3?\"}]},"
                + "{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"content\": \"Compute.\"}, {\"type\": \"code\", \"content\": \"2+3\"},"
                + "{\"type\": \"execution\", \"content\": \"5\"}, {\"type\": \"text\", \"content\": \"So 5.\"}]}]}";
        // MathCoder adds its block tokens to the vocabulary (matched atomically), as its release does
        var withBlocks = new SentencePieceTokenizer(((SentencePieceTokenizer) llama).vocabulary().withAddedPieces(
                MathCoderFormat.SPECIAL_TOKENS, dev.calx.llama.tokenizer.PieceType.USER_DEFINED));
        Sample s = sample(DataFormat.MATHCODER, row, withBlocks);
        int[] specials = java.util.Arrays.stream(s.ids()).filter(i -> i >= 32000).toArray();
        assertEquals(18, specials.length, "block tokens encode atomically");
        assertEquals("<|text|>Compute.<|endofblock|><|code|>2+3<|endofblock|><|text|>So 5.<|endofblock|><|endofmessage|>",
                text(withBlocks, s.ids(), s.trained(), true, 1));
        assertTrue(text(withBlocks, s.ids(), s.trained(), false, 1).endsWith("<|assistant|><|execution|>5<|endofblock|>"));
    }

    @Test
    void malformedRowsStopWithFileAndLine() throws Exception {
        Path f = tmp.resolve("d.jsonl");
        record Case(DataFormat fmt, String row, String msg) { }
        for (Case c : List.of(
                new Case(DataFormat.ALPACA, "{\"instruction\": \"q\"}", ":2: missing field \"output\""),
                new Case(DataFormat.ALPACA, "{\"instruction\": [1], \"output\": \"a\"}", ":2: field \"instruction\" should be a string but is array"),
                new Case(DataFormat.ALPACA, "{\"instruction\": \"q\", ", ":2: bad JSON"),
                new Case(DataFormat.ALPACA, "{\"instruction\": \"q\", \"output\": \"a\"} {\"instruction\": \"r\", \"output\": \"b\"}",
                        ":2: bad JSON: text after the end of the JSON value"),
                new Case(DataFormat.ALPACA, "[1, 2]", ":2: expected a JSON object but found array"),
                new Case(DataFormat.TORA, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}", ":2: no assistant message"),
                new Case(DataFormat.TORA, "{\"messages\": [{\"role\": \"user\", \"content\": 5}, {\"role\": \"assistant\", \"content\": \"a\"}]}", ":2: messages[0].content should be a string but is number"),
                new Case(DataFormat.TORA, "{\"text\": \"q\"}", ":2: expected \"messages\" or \"prompt\"/\"completion\""),
                new Case(DataFormat.MATHCODER, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}", ":2: messages[0].content should be an array of blocks"))) {
            Files.writeString(f, "{\"instruction\": \"ok\", \"output\": \"ok\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"content\": \"q\"}]},"
                    + " {\"role\": \"assistant\", \"content\": \"a\"}]}\n" + c.row + "\n");
            DataFormatException e = assertThrows(DataFormatException.class, () -> {
                for (Jsonl.Row r : Jsonl.read(f)) if (r.line() == 2) c.fmt.read(r);
            }, c.row);
            assertTrue(e.getMessage().startsWith(f + c.msg), e.getMessage() + " vs " + c.msg);
        }
    }

    @Test
    void malformedUtf8StopsWithFileLineAndByte() throws Exception {
        Path f = tmp.resolve("u.jsonl");
        byte[] ok = "{\"instruction\": \"q \u00f7\", \"output\": \"a\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"instruction\": \"q\u0000\", \"output\": \"a\"}\n".getBytes(StandardCharsets.UTF_8);
        bad[18] = (byte) 0x80; // the NUL placeholder: a continuation byte with no lead byte
        Files.write(f, ok);
        Files.write(f, bad, java.nio.file.StandardOpenOption.APPEND);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Jsonl.read(f));
        assertEquals(f + ":2: not valid UTF-8 (byte 0x80 at byte 19 of the line)", e.getMessage());
        Files.write(f, ok);
        assertEquals("q \u00f7", Jsonl.read(f).getFirst().node().get("instruction").asText());
    }

    /** A character-level tokenizer with SentencePiece's dummy prefix: enough to test lengths and masks without shared data. */
    static final class CharTokenizer implements Tokenizer {
        public int vocabSize() { return 1 << 16; }
        public int bosId() { return 1; }
        public int eosId() { return 2; }
        public int[] encode(String text, boolean addBos) {
            String t = "\u2581" + text.replace(' ', '\u2581');
            int[] ids = new int[t.length() + (addBos ? 1 : 0)];
            if (addBos) ids[0] = 1;
            for (int i = 0; i < t.length(); i++) ids[i + (addBos ? 1 : 0)] = t.charAt(i);
            return ids;
        }
        public String decode(int[] ids) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int id : ids) b.writeBytes(piece(id).getBytes(StandardCharsets.UTF_8));
            return b.toString(StandardCharsets.UTF_8);
        }
        public String piece(int id) { return String.valueOf((char) id); }
    }

    @Test
    void truncatedAndFullyMaskedSamplesAreCountedAndStopTheRunOverTheThreshold() {
        SpanTokenizer tok = new SpanTokenizer(new CharTokenizer(), 12);
        List<Example> exs = new ArrayList<>();
        for (int i = 0; i < 8; i++) exs.add(new Example("f", i + 1, null, "q", "ab", null));
        exs.add(new Example("f", 9, null, "q", "abcdefghijklmnop", null)); // truncated
        exs.add(new Example("f", 10, null, "a very long question", "x", null)); // cut inside the prompt
        java.util.function.Function<Example, List<Span>> render = ex -> List.of(new Span(SpanKind.PROMPT, ex.question()),
                new Span(SpanKind.TEXT, ex.solution()), new Span(SpanKind.EOS, "</s>"));
        Dataset d = Dataset.of(exs, render, tok, 0.3, "test");
        assertEquals(new Dataset.Stats(10, 2, 1, 8 * 6 + 12, 8 * 3 + 9), d.stats());
        assertEquals(9, d.samples().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(exs, render, tok, 0.1, "test"));
        assertTrue(e.getMessage().contains("2 truncated, 1 fully masked"), e.getMessage());
    }

    @Test
    void aSampleBothTruncatedAndFullyMaskedCountsOnceTowardsTheBadFraction() {
        SpanTokenizer tok = new SpanTokenizer(new CharTokenizer(), 12);
        List<Example> exs = new ArrayList<>();
        for (int i = 0; i < 8; i++) exs.add(new Example("f", i + 1, null, "q", "ab", null));
        exs.add(new Example("f", 9, null, "q", "abcdefghijklmnop", null)); // truncated
        exs.add(new Example("f", 10, null, "a very long question", "x", null)); // truncated and fully masked
        java.util.function.Function<Example, List<Span>> render = ex -> List.of(new Span(SpanKind.PROMPT, ex.question()),
                new Span(SpanKind.TEXT, ex.solution()), new Span(SpanKind.EOS, "</s>"));
        // 2 bad samples of 10: within 20%
        Dataset d = Dataset.of(exs, render, tok, 0.2, "test");
        assertEquals(new Dataset.Stats(10, 2, 1, 8 * 6 + 12, 8 * 3 + 9), d.stats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(exs, render, tok, 0.15, "test"));
        assertTrue(e.getMessage().contains("2 of 10 samples"), e.getMessage());
    }

    @Test
    void batchesAreDeterministicPerEpochCoverEverySampleOnceAndAreLengthBucketed() {
        List<Sample> ss = new ArrayList<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 1000; i++) {
            int n = 5 + r.nextInt(200);
            ss.add(new Sample("s" + i, new int[n], new boolean[n], false));
        }
        Batcher b = new Batcher(ss, 8, 42, 0);
        List<int[]> e0 = b.plan(0), again = b.plan(0), e1 = b.plan(1);
        assertEquals(125, e0.size());
        for (int i = 0; i < e0.size(); i++) assertArrayEquals(e0.get(i), again.get(i));
        boolean differs = false;
        for (int i = 0; i < e0.size(); i++) differs |= !java.util.Arrays.equals(e0.get(i), e1.get(i));
        assertTrue(differs, "epochs 0 and 1 have the same order");
        Set<Integer> seen = new HashSet<>();
        long padded = 0, real = 0;
        for (int[] idx : e0) {
            for (int i : idx) assertTrue(seen.add(i));
            Batch batch = b.batch(idx);
            padded += (long) batch.rows() * batch.width();
            real += batch.realTokens();
        }
        assertEquals(1000, seen.size());
        assertTrue(padded < real * 1.1, "bucketing should keep padding small: " + padded + " vs " + real);
    }
}
