package dev.calx.decode.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.grade.MathGrader;
import dev.calx.decode.testing.PromptAwareModel;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.TestTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalHarnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUM = Pattern.compile("What is (\\d+) plus (\\d+)\\?");

    @TempDir
    Path dir;

    /** A scripted "model" that writes a ToRA solution; it gets the sum wrong when the first number is 13. */
    private static PromptAwareModel adder() {
        return new PromptAwareModel(TestTokenizer.plain(), prompt -> {
            Matcher m = SUM.matcher(prompt);
            if (!m.find()) return List.of("I do not know.");
            String a = m.group(1), b = m.group(2);
            return List.of("```python\nprint(" + a + " + " + b + ")\n```\n```output", "So the answer is $\\boxed{"
                    + (a.equals("13") ? "0" : String.valueOf(Long.parseLong(a) + Long.parseLong(b))) + "}$.");
        });
    }

    /** Not Python: evaluates "print(a + b)" cells only, which is all the scripted model writes. */
    private static RecordingExecutor sumExecutor() {
        Pattern p = Pattern.compile("print\\((\\d+) \\+ (\\d+)\\)");
        return new RecordingExecutor((code, n) -> {
            Matcher m = p.matcher(code);
            return m.find() ? ExecutionResult.ok((Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))) + "\n")
                    : ExecutionResult.error("", "unsupported cell");
        });
    }

    private Path gsm8kFile(int n) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 10; i < 10 + n; i++) {
            rows.add(JSON.writeValueAsString(Map.of("question", "What is " + i + " plus " + (2 * i) + "?",
                    "answer", "It is " + i + " + " + (2 * i) + " = <<" + i + "+" + (2 * i) + "=" + (3 * i) + ">>" + (3 * i) + "\n#### " + String.format("%,d", 3 * i))));
        }
        Path f = dir.resolve("gsm.jsonl");
        Files.write(f, rows);
        return f;
    }

    private EvalHarness harness(int concurrency) {
        return new EvalHarness(new EvalHarness.Config(Formats.get("tora"), SolveOptions.greedy(4), concurrency, new MathGrader(), true));
    }

    @Test
    void writesOneGradedLinePerProblemAndSummarizes() throws IOException {
        List<Problem> problems = new ProblemReader(null, null).read(gsm8kFile(5));
        Path out = dir.resolve("out.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        EvalSummary s = harness(1).run(problems, adder(), sumExecutor(), out, new ProgressBar(new PrintStream(err), 5, false));
        assertEquals(5, s.problems());
        assertEquals(4, s.correct(), "the model is wrong exactly on 13 + 26");
        assertEquals(0.8, s.accuracy(), 1e-12);
        assertEquals(5, s.toolCalls());
        assertEquals(0, s.emptyAnswers());
        List<String> lines = Files.readAllLines(out);
        assertEquals(5, lines.size());
        JsonNode first = JSON.readTree(lines.getFirst());
        assertEquals("30", first.get("prediction").asText());
        assertEquals("30", first.get("answer").asText());
        assertTrue(first.get("correct").asBoolean());
        assertEquals(1, first.get("tool_calls").asInt());
        assertTrue(first.get("decode_tokens").asLong() > 0);
        assertTrue(first.has("ms") && first.has("timeouts") && first.has("output"));
        assertTrue(err.toString().contains("5/5") && err.toString().contains("acc 80.0%"), err.toString());
    }

    /** sumExecutor with a start() that takes 0.4 s each call and notes how many cells had run when it was called. */
    private static final class SlowStart implements dev.calx.decode.exec.PythonExecutor {
        final RecordingExecutor inner = sumExecutor();
        final List<Integer> startsAfterCells = new ArrayList<>();

        @Override
        public void start() {
            startsAfterCells.add(inner.calls.size());
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public ExecutionResult execute(String sessionId, String code) {
            return inner.execute(sessionId, code);
        }

        @Override
        public void closeSession(String sessionId) {
            inner.closeSession(sessionId);
        }
    }

    @Test
    void pythonsStartUpIsItsOwnPartOfTheTimeSplitAndNotAProblemsExecTime() throws IOException {
        List<Problem> problems = new ProblemReader(null, null).read(gsm8kFile(3));
        SlowStart executor = new SlowStart();
        EvalSummary s = harness(1).run(problems, adder(), executor, null, null);
        assertEquals(List.of(0, 1, 2), executor.startsAfterCells, "the loop gets the executor ready before each cell");
        assertEquals(3, s.toolCalls());
        assertTrue(s.pythonStartupSeconds() >= 3 * 0.4, "start-up " + s.pythonStartupSeconds());
        assertTrue(s.execSeconds() < s.pythonStartupSeconds(), "cells' time " + s.execSeconds() + " leaves out the start-up");
        assertEquals(s.wallSeconds(), s.forwardWallSeconds() + s.pythonWallSeconds() + s.pythonStartupSeconds() + s.otherWallSeconds(), 1e-9);
        assertTrue(s.lines().getLast().contains(", python start-up "), s.lines().getLast());

        SlowStart unused = new SlowStart();
        EvalSummary cot = new EvalHarness(new EvalHarness.Config(Formats.get("cot"), SolveOptions.greedy(0), 1,
                new MathGrader(), true)).run(problems, adder(), unused, null, null);
        assertEquals(List.of(), unused.startsAfterCells, "a format that runs no code does not start Python");
        assertEquals(0, cot.pythonStartupSeconds());
    }

    @Test
    void resumesAfterAKilledRunSkippingSolvedProblemsAndATornLine() throws IOException {
        List<Problem> problems = new ProblemReader(null, null).read(gsm8kFile(6));
        Path out = dir.resolve("out.jsonl");
        harness(1).run(problems.subList(0, 2), adder(), sumExecutor(), out, null);
        Files.writeString(out, Files.readString(out) + "{\"id\":\"line-3\",\"li", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        PromptAwareModel model = adder();
        EvalSummary s = harness(1).run(problems, model, sumExecutor(), out, null);
        assertEquals(4, model.sessionsOpened.get(), "only the 4 unsolved problems run");
        assertEquals(6, s.problems());
        assertEquals(4, s.solvedThisRun());
        assertEquals(5, s.correct());
        List<String> lines = Files.readAllLines(out);
        assertEquals(6, lines.size());
        for (String l : lines) JSON.readTree(l);
    }

    @Test
    void concurrentRunGivesTheSameRecordsAsSequential() throws IOException {
        List<Problem> problems = new ProblemReader(null, null).read(gsm8kFile(12));
        Path a = dir.resolve("a.jsonl"), b = dir.resolve("b.jsonl");
        harness(1).run(problems, adder(), sumExecutor(), a, null);
        EvalSummary s = harness(4).run(problems, adder(), sumExecutor(), b, null);
        assertEquals(11, s.correct());
        assertEquals(byId(a), byId(b));
    }

    private static Map<String, String> byId(Path f) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String l : Files.readAllLines(f)) {
            JsonNode n = JSON.readTree(l);
            m.put(n.get("id").asText(), n.get("prediction").asText() + "|" + n.get("correct") + "|" + n.get("output").asText());
        }
        return m;
    }

    /** Records hold raw UTF-8 (Jackson does not escape "÷"), so a kill can cut a line inside a character. */
    @Test
    void aLineTornInsideACharacterIsDroppedLikeAnyTornLine() throws IOException {
        List<Problem> problems = new ProblemReader(null, null).read(gsm8kFile(3));
        Path out = dir.resolve("utf8.jsonl");
        harness(1).run(problems.subList(0, 2), adder(), sumExecutor(), out, null);
        byte[] whole = Files.readAllBytes(out);
        byte[] torn = "{\"id\":\"line-3\",\"prediction\":\"6 \u00f7".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length + torn.length - 1); // the last byte of "÷" missing
        System.arraycopy(torn, 0, cut, whole.length, torn.length - 1);
        Files.write(out, cut);
        assertEquals(2, EvalHarness.readExisting(out).size());
        assertArrayEquals(whole, Files.readAllBytes(out), "the torn line is gone, the rest kept byte for byte");

        Path mid = dir.resolve("mid.jsonl");
        Files.write(mid, whole);
        Files.write(mid, new byte[] {(byte) 0xC3, '\n'}, java.nio.file.StandardOpenOption.APPEND);
        Files.write(mid, whole, java.nio.file.StandardOpenOption.APPEND);
        var e = assertThrows(IOException.class, () -> EvalHarness.readExisting(mid));
        assertTrue(e.getMessage().contains("mid.jsonl:3") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void aCorruptMiddleLineStopsTheResumeWithFileAndLine() throws IOException {
        Path out = dir.resolve("bad.jsonl");
        Files.write(out, List.of("not json", "{}"));
        var e = assertThrows(IOException.class, () -> EvalHarness.readExisting(out));
        assertTrue(e.getMessage().contains("bad.jsonl:1"), e.getMessage());
    }

    @Test
    void progressLineShowsAccuracyRateAndEta() {
        String line = new ProgressBar(null, 10, false).line(4, 3, 60);
        assertTrue(line.contains("4/10") && line.contains("acc 75.0%") && line.contains("4.0 problems/min") && line.contains("eta 1:30"), line);
        assertFalse(line.contains("?"));
    }

    @Test
    void theBarSaysWhenItWaitsForPythonAndPadsOverItAfterwards() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true), 3, true);
        harness(1).run(new ProblemReader(null, null).read(gsm8kFile(3)), adder(), new SlowStart(), null, bar);
        String[] draws = bytes.toString().split("\r");
        int waiting = -1;
        for (int i = 0; i < draws.length; i++) if (draws[i].contains("0/3") && draws[i].endsWith("  (starting Python)")) waiting = i;
        assertTrue(waiting > 0, "a draw says it waits for Python: " + String.join(" | ", draws));
        String next = draws[waiting + 1];
        assertFalse(next.contains("starting Python"), next);
        assertTrue(next.endsWith(" ".repeat("  (starting Python)".length())), "the shorter line covers the status: '" + next + "'");
        assertTrue(draws[draws.length - 1].contains("3/3") && draws[draws.length - 1].endsWith("\n"), draws[draws.length - 1]);
    }
}
