package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * calx eval and calx solve end to end with a real (tiny, story-telling) checkpoint: stories260K
 * is not a math model, so this checks loading, the loop, output and resume, not accuracy.
 */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    @RegisterExtension
    final Std std = new Std();

    @Test
    void evalWritesGradedLinesAndResumes() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path data = Std.shared("data/gsm8k/test.jsonl");
        Path out = dir.resolve("eval.jsonl");
        String[] args = {"eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--format", "cot", "--data", data.toString(),
                "--limit", "3", "--max-new-tokens", "20", "--out", out.toString()};
        assertEquals(0, Main.run(args), std.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        JsonNode first = JSON.readTree(lines.getFirst());
        assertEquals("18", first.get("answer").asText(), "GSM8K reference after ####");
        assertEquals(20, first.get("decode_tokens").asInt());
        assertTrue(std.out().contains("accuracy") && std.out().contains("problems/min"), std.out());

        args[10] = "5"; // --limit 5: the first 3 are resumed from the file
        assertEquals(0, Main.run(args), std.err());
        assertEquals(5, Files.readAllLines(out).size());
        assertTrue(std.out().contains("(2 solved in this run"), std.out());

        // while another run holds the output, a second one stops before touching it
        byte[] before = Files.readAllBytes(out), optionsBefore = Files.readAllBytes(EvalCommand.optionsFile(out));
        args[10] = "6";
        try (var held = dev.calx.decode.eval.EvalHarness.lock(out)) {
            assertEquals(1, Main.run(args));
            assertTrue(std.err().contains("the eval output " + out + " is in use by another run (pid "), std.err());
        }
        assertArrayEquals(before, Files.readAllBytes(out));
        assertArrayEquals(optionsBefore, Files.readAllBytes(EvalCommand.optionsFile(out)));
    }

    @Test
    void batch1AndBatch4GiveTheSameGreedyOutputsWithStories260k() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path data = Std.shared("data/gsm8k/test.jsonl");
        java.util.Map<String, java.util.Map<String, String>> byBatch = new java.util.TreeMap<>();
        for (String batch : new String[]{"1", "4"}) {
            Path out = dir.resolve("b" + batch + ".jsonl");
            assertEquals(0, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--format", "tora",
                    "--data", data.toString(), "--limit", "6", "--max-new-tokens", "40", "--batch", batch, "--out", out.toString()),
                    std.err());
            java.util.Map<String, String> m = new java.util.TreeMap<>();
            for (String l : Files.readAllLines(out)) {
                JsonNode n = JSON.readTree(l);
                m.put(n.get("id").asText(), n.get("decode_tokens").asText() + "|" + n.get("output").asText());
                assertTrue(n.has("other_ms"), l);
            }
            assertEquals(6, m.size());
            byBatch.put(batch, m);
        }
        assertEquals(byBatch.get("1"), byBatch.get("4"));
        assertTrue(std.out().contains("wall time: model forward"), std.out());
    }

    @Test
    void decodingOptionsOutOfRangeAreNamedAsTyped() {
        // --max-length -5 and --top-k -1 used to run as "the model's" and "off"
        String[][] cases = {{"--max-length", "-5", "--max-length must be 0 (the model's) or more, got -5"},
                {"--top-k", "-1", "--top-k must be 0 (off) or more, got -1"},
                {"--max-new-tokens", "0", "--max-new-tokens must be 1 or more, got 0"},
                {"--python-timeout", "0", "--python-timeout must be 1 (seconds) or more, got 0"}};
        for (String[] c : cases) {
            for (String cmd : new String[] {"solve", "eval"}) {
                String[] args = cmd.equals("solve") ? new String[] {"solve", c[0], c[1], "What is 2+3?"}
                        : new String[] {"eval", c[0], c[1], "--data", Std.shared("data/gsm8k/test.jsonl").toString()};
                std.reset();
                assertEquals(2, Main.run(args), cmd + " " + c[0]);
                assertTrue(std.err().startsWith(c[2]), std.err());
                assertTrue(std.err().contains("Usage: calx " + cmd), std.err());
            }
        }
    }

    @Test
    void solvePrintsTheTranscriptAndAnAnswerLine() {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        assertEquals(0, Main.run("solve", "--model", model.toString(), "--tokenizer", tok.toString(), "--format", "cot",
                "--max-new-tokens", "30", "Lily had 3 balls."), std.err());
        String out = std.out();
        assertTrue(out.lines().anyMatch(l -> l.startsWith("Answer: ")), out);
        assertTrue(out.length() > "Answer: \n".length() + 20, "the transcript is streamed: " + out);
    }
    @Test
    void solveRejectsABlankQuestion() {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        assertEquals(2, Main.run("solve", "--model", model.toString(), "--tokenizer", tok.toString(), "  "));
        assertTrue(std.err().contains("QUESTION is empty"), std.err());
        assertEquals("", std.out());
    }

    @Test
    void solveSaysWhenTheQuestionDoesNotFitTheContext() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        String question = "Lily had 3 balls.";
        int promptTokens = dev.calx.llama.tokenizer.Tokenizers.load(tok)
                .encode(dev.calx.decode.format.Formats.get("cot").renderPrompt(question), true).length;
        // A context one token short of the prompt: an error naming both lengths, no transcript.
        assertEquals(1, Main.run("solve", "--model", model.toString(), "--tokenizer", tok.toString(), "--format", "cot",
                "--max-length", String.valueOf(promptTokens - 1), question));
        String err = std.err();
        assertTrue(err.contains("prompt is " + promptTokens + " tokens and the context is " + (promptTokens - 1)), err);
        assertEquals("", std.out());

        // Room for five generated tokens: the solve runs and says the context filled up.
        std.reset();
        assertEquals(0, Main.run("solve", "--model", model.toString(), "--tokenizer", tok.toString(), "--format", "cot",
                "--temperature", "0", "--max-length", String.valueOf(promptTokens + 5), "--max-new-tokens", "50", question));
        err = std.err();
        assertTrue(err.contains("context (" + (promptTokens + 5) + " tokens) filled up"), err);
        // stories260K writes no number in five tokens: no answer, and the notices say why, not "from what fit".
        assertTrue(std.out().lines().anyMatch(l -> l.equals("Answer: (none: the context filled up first)")), std.out());
        assertFalse(err.contains("the answer is from what fit"), err);
    }
    @Test
    void evalNamesAnOutThatIsADirectoryOrUnderAFile() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path data = Std.shared("data/gsm8k/test.jsonl");
        // were "calx: Is a directory (cannot resume)" and "calx: .../afile: already exists"
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", data.toString(),
                "--limit", "1", "--out", dir.toString()));
        assertTrue(std.err().contains("--out " + dir + " is a directory; eval writes one JSONL file"), std.err());
        Path file = Files.writeString(dir.resolve("afile"), "keep");
        std.reset();
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", data.toString(),
                "--limit", "1", "--out", file.resolve("x.jsonl").toString()));
        assertTrue(std.err().contains(file + " (to hold .x.jsonl.lock) is a file, not a directory"), std.err());
        assertEquals("keep", Files.readString(file));
        // the records were appended to the problems, and read as problems by the next run
        Path problems = dir.resolve("problems.jsonl");
        Files.writeString(problems, "{\"question\":\"Q\",\"answer\":\"7\"}\n");
        std.reset();
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", problems.toString(),
                "--out", problems.toString()));
        assertTrue(std.err().contains("--out " + problems + " is the --data file; the results would be appended to the problems"), std.err());
        assertEquals("{\"question\":\"Q\",\"answer\":\"7\"}\n", Files.readString(problems));
    }

    @Test
    void evalRefusesANegativeLimitAndAFileWithoutProblems() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        Path out = dir.resolve("out.jsonl");
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", empty.toString(),
                "--out", out.toString()));
        assertTrue(std.err().contains(empty + ": no problems in the file"), std.err());
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", empty.toString(),
                "--limit", "-2"));
        assertTrue(std.err().contains("--limit must be 0 (all) or more, got -2"), std.err());
        assertEquals(1, Main.run("eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", empty.toString(),
                "--python-workers", "-1"));
        assertTrue(std.err().contains("--python-workers must be 0 (automatic) or more, got -1"), std.err());
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void moreWorkersThanProblemsInFlightAreLoweredWithANote() {
        EvalCommand c = new EvalCommand();
        c.batch = 4;
        c.pythonWorkers = 100_000;
        // 3 problems to solve at --batch 4: 3 in flight, so 3 workers at most can ever be busy
        assertEquals(3, c.workers(3));
        assertTrue(std.err().contains("--python-workers 100000 lowered to 3"), std.err());
        c.pythonWorkers = 2;
        assertEquals(2, c.workers(3));
        c.pythonWorkers = 0;
        assertEquals(Math.min(3, Runtime.getRuntime().availableProcessors()), c.workers(3));
    }
    @Test
    void evalResumesOnlyWithTheOptionsItsRecordsWereMadeWith() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path data = Std.shared("data/gsm8k/test.jsonl");
        Path out = dir.resolve("new/dir/eval.jsonl");
        String[] base = {"eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", data.toString(),
                "--max-new-tokens", "5", "--out", out.toString()};
        assertEquals(0, Main.run(concat(base, "--format", "cot", "--limit", "1")), std.err());
        assertEquals(1, Files.readAllLines(out).size());
        assertTrue(Files.readString(EvalCommand.optionsFile(out)).contains("\"format\" : \"cot\""));

        // Another format (and so another tool-call limit): refused, the records untouched.
        assertEquals(1, Main.run(concat(base, "--format", "pot", "--limit", "2")));
        assertTrue(std.err().contains(out + " holds records of a run with other options (format cot, now pot;"),
                std.err());
        assertEquals(1, Files.readAllLines(out).size());

        // The same options with a larger --limit: resumed.
        assertEquals(0, Main.run(concat(base, "--format", "cot", "--limit", "2")), std.err());
        assertEquals(2, Files.readAllLines(out).size());

        // Records without an options file (an older run): resumed, with a note, and recorded now.
        Files.delete(EvalCommand.optionsFile(out));
        std.reset();
        assertEquals(0, Main.run(concat(base, "--format", "cot", "--limit", "2")), std.err());
        assertTrue(std.err().contains("which has no eval.jsonl.options.json"), std.err());
        assertTrue(Files.exists(EvalCommand.optionsFile(out)));
    }

    @Test
    void evalRefusesToResumeOnADataFileWhoseContentChanged() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path data = dir.resolve("q.jsonl"), out = dir.resolve("q-eval.jsonl");
        String[] args = twoQuestionsEval(model, tok, data, out);
        assertEquals(0, Main.run(args), std.err());
        String sum = EvalCommand.sha256(data);
        assertTrue(Files.readString(EvalCommand.optionsFile(out)).contains("\"data-sha256\" : \"" + sum + "\""));
        // the same path, a regenerated file: its first record would be kept against the old reference
        Files.write(data, java.util.List.of("{\"question\":\"What is 2+2?\",\"answer\":\"5\"}"));
        std.reset();
        assertEquals(1, Main.run(args));
        assertTrue(std.err().contains("holds records of a run with other options (data-sha256 " + sum + ", now "), std.err());
        assertEquals(1, Files.readAllLines(out).size(), "records untouched");
        // an options record from before the checksum: resumed on the path, with a note, and the checksum recorded
        String old = Files.readString(EvalCommand.optionsFile(out)).replaceAll("\\s*\"data-sha256\" : \"[0-9a-f]+\",", "");
        assertTrue(!old.contains("data-sha256"), old);
        Files.writeString(EvalCommand.optionsFile(out), old);
        std.reset();
        assertEquals(0, Main.run(args), std.err());
        assertTrue(std.err().contains("has no data-sha256 (an older calx wrote it)"), std.err());
        assertTrue(Files.readString(EvalCommand.optionsFile(out)).contains("\"data-sha256\" : \"" + EvalCommand.sha256(data) + "\""));
        // the JDK's SHA-256 of "abc" is FIPS 180-2's test vector
        Path abc = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", EvalCommand.sha256(abc));
    }

    @Test
    void evalRefusesToResumeWithAModelChangedInPlace() throws IOException {
        Path model = dir.resolve("m/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Files.createDirectories(model.getParent());
        Files.write(model, Files.readAllBytes(Std.shared("data/models/stories260K/stories260K.bin")));
        Path data = dir.resolve("q.jsonl"), out = dir.resolve("q-eval.jsonl");
        String[] args = twoQuestionsEval(model, tok, data, out);
        assertEquals(0, Main.run(args), std.err());
        String print = EvalCommand.fingerprint(java.util.List.of(model, tok));
        assertTrue(Files.readString(EvalCommand.optionsFile(out)).contains("\"model-fingerprint\" : \"" + print + "\""));
        // "retrained" at the same path: the low byte of the last weight changes, the file still loads
        byte[] b = Files.readAllBytes(model);
        b[b.length - 4] ^= 1;
        Files.write(model, b);
        std.reset();
        assertEquals(1, Main.run(args));
        assertTrue(std.err().contains("holds records of a run with other options (model-fingerprint differs (the model's files have changed since))"),
                std.err());
        assertEquals(1, Files.readAllLines(out).size(), "records untouched");
        // an options record from before the fingerprint: resumed on the rest, with a note, and the fingerprint recorded
        String old = Files.readString(EvalCommand.optionsFile(out)).replaceAll("\\s*\"model-fingerprint\" : \"[0-9a-f]+\",", "");
        assertTrue(!old.contains("model-fingerprint"), old);
        Files.writeString(EvalCommand.optionsFile(out), old);
        std.reset();
        assertEquals(0, Main.run(args), std.err());
        assertTrue(std.err().contains("has no model-fingerprint (an older calx wrote it)"), std.err());
        assertTrue(Files.readString(EvalCommand.optionsFile(out)).contains("\"model-fingerprint\" : \""
                + EvalCommand.fingerprint(java.util.List.of(model, tok)) + "\""));
    }

    @Test
    void fingerprintReadsSmallFilesWholeAndLargeOnesInEvenlySpacedPieces() throws IOException {
        int piece = EvalCommand.SAMPLE_BYTES, n = EvalCommand.SAMPLES;
        Path small = dir.resolve("small.bin"), large = dir.resolve("large.bin");
        byte[] s = new byte[n * piece], l = new byte[2 * n * piece];
        new java.util.Random(1).nextBytes(s);
        new java.util.Random(2).nextBytes(l);
        Files.write(small, s);
        Files.write(large, l);
        String s0 = EvalCommand.fingerprint(java.util.List.of(small)), l0 = EvalCommand.fingerprint(java.util.List.of(large));
        assertEquals(s0, EvalCommand.fingerprint(java.util.List.of(small)), "same bytes, same fingerprint");
        // a small file counts every byte: the one in the middle too
        s[s.length / 2 + 7] ^= 1;
        Files.write(small, s);
        assertNotEquals(s0, EvalCommand.fingerprint(java.util.List.of(small)));
        // a large file: piece k starts at (size - piece) * k / (n - 1); a byte inside piece 7 counts
        long at7 = (l.length - (long) piece) * 7 / (n - 1);
        l[(int) at7 + piece - 1] ^= 1;
        Files.write(large, l);
        String l1 = EvalCommand.fingerprint(java.util.List.of(large));
        assertNotEquals(l0, l1);
        // ... and a byte between two pieces does not (the documented limit of sampling)
        long gapByte = (l.length - (long) piece) * 7 / (n - 1) + piece;
        assertTrue(gapByte < (l.length - (long) piece) * 8 / (n - 1), "the layout has a gap after piece 7");
        l[(int) gapByte] ^= 1;
        Files.write(large, l);
        assertEquals(l1, EvalCommand.fingerprint(java.util.List.of(large)));
        // the name and the size count as well
        Path renamed = Files.copy(large, dir.resolve("renamed.bin"));
        assertNotEquals(l1, EvalCommand.fingerprint(java.util.List.of(renamed)));
        assertNotEquals(EvalCommand.fingerprint(java.util.List.of(small, large)), EvalCommand.fingerprint(java.util.List.of(large, small)));
    }

    /** Writes two questions to data and returns the arguments of a calx eval of the first one into out (3 new tokens). */
    private static String[] twoQuestionsEval(Path model, Path tok, Path data, Path out) throws IOException {
        Files.write(data, java.util.List.of("{\"question\":\"What is 2+2?\",\"answer\":\"4\"}",
                "{\"question\":\"What is 3+3?\",\"answer\":\"6\"}"));
        return new String[] {"eval", "--model", model.toString(), "--tokenizer", tok.toString(), "--data", data.toString(),
                "--format", "cot", "--max-new-tokens", "3", "--limit", "1", "--out", out.toString()};
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
