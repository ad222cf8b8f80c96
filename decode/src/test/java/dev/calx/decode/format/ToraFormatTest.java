package dev.calx.decode.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.ScriptedModel;
import dev.calx.decode.testing.ScriptedSession;
import dev.calx.decode.testing.TestTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToraFormatTest {
    private final TestTokenizer tok = new TestTokenizer(List.of(), List.of("```", "python", "output", "print"));
    private final ToraFormat tora = new ToraFormat();

    private static final String Q = "What is 6 times 7?";
    private static final String STEP1 = "Let's compute.\n```python\nx = 6 * 7\nprint(x)\n```\n";
    private static final String STEP2 = "Now double it.\n```python\nprint(x * 2)\n```\n";

    @Test
    void runsTheLastPythonBlockAppendsTheOutputAndContinuesInTheSameCache() {
        ScriptedModel model = ScriptedModel.of(tok, STEP1 + "```output", "The answer is $\\boxed{42}$.");
        RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok("42\n"));
        List<String> events = new ArrayList<>();
        Solution s = tora.solve(model, exec, "p1", Q, SolveOptions.greedy(4), (k, t) -> events.add(k + ":" + t));

        String expected = STEP1 + "```output\n42\n```\n" + "The answer is $\\boxed{42}$.";
        assertEquals(expected, s.transcript());
        assertEquals("42", s.answer());
        assertEquals(AnswerExtractor.Source.BOXED, s.answerSource());
        assertEquals(1, s.toolCalls());
        assertEquals(List.of(new RecordingExecutor.Call("p1/tora", "x = 6 * 7\nprint(x)\n")), exec.calls);
        assertEquals(List.of("p1/tora"), exec.closed);

        ScriptedSession session = model.sessions.getFirst();
        assertEquals(1, model.sessions.size(), "one session per problem");
        String prompt = "<|user|>\n" + Q + "\n<|assistant|>\n";
        assertEquals(prompt + expected, tok.decode(session.history()), "the KV cache holds exactly prompt + transcript");
        int[] first = session.appends().getFirst();
        assertEquals(TestTokenizer.BOS, first[0]);
        assertEquals(prompt, tok.decode(first));
        for (int[] a : session.appends().subList(1, session.appends().size())) {
            assertTrue(a.length < first.length, "no append after the prompt re-encodes the context");
        }
        String shown = events.stream().filter(e -> e.startsWith("EXECUTION:")).collect(Collectors.joining());
        assertEquals("EXECUTION:```output\n42\n```\n", shown);
    }

    @Test
    void keepsOneExecutorSessionAcrossTheBlocksOfAProblem() {
        ScriptedModel model = ScriptedModel.of(tok, STEP1 + "```output", STEP2 + "```output", "So $\\boxed{84}$.");
        RecordingExecutor exec = new RecordingExecutor((code, earlier) ->
                ExecutionResult.ok(earlier == 0 ? "42" : "84 (cell " + (earlier + 1) + " of this session)"));
        Solution s = tora.solve(model, exec, "p2", Q, SolveOptions.greedy(4), TranscriptSink.NONE);
        assertEquals(2, s.toolCalls());
        assertEquals(2, exec.calls.size());
        assertEquals(exec.calls.get(0).sessionId(), exec.calls.get(1).sessionId());
        assertEquals("print(x * 2)\n", exec.calls.get(1).code(), "the LAST python block runs");
        assertTrue(s.transcript().contains("```output\n84 (cell 2 of this session)\n```\n"));
        assertEquals("84", s.answer());
    }

    @Test
    void stopsAtTheMaxFunctionCallLimitWithThePapersMessage() {
        ScriptedModel model = ScriptedModel.of(tok, STEP1 + "```output", STEP2 + "```output", STEP2 + "```output", "never reached");
        RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok(String.valueOf(n)));
        Solution s = tora.solve(model, exec, "p3", Q, SolveOptions.greedy(2), TranscriptSink.NONE);
        assertEquals(2, s.toolCalls());
        assertTrue(s.hitToolLimit());
        assertTrue(s.transcript().endsWith(STEP2 + "\nReach max function call limit."), s.transcript());
        assertFalse(s.transcript().contains("never reached"));
    }

    @Test
    void errorsShowTheirLastLineAndCount() {
        ScriptedModel model = ScriptedModel.of(tok, STEP1 + "```output", "Oops. The answer is 3.");
        RecordingExecutor exec = new RecordingExecutor((code, n) ->
                ExecutionResult.error("", "Traceback (most recent call last):\n  File x\nNameError: name 'y' is not defined\n"));
        Solution s = tora.solve(model, exec, "p4", Q, SolveOptions.greedy(4), TranscriptSink.NONE);
        assertTrue(s.transcript().contains("```output\nNameError: name 'y' is not defined\n```\n"), s.transcript());
        assertEquals(1, s.toolErrors());
        assertEquals("3", s.answer());
    }

    @Test
    void doesNotExecuteWhenTheTextAlreadyHasABoxedAnswer() {
        ScriptedModel model = ScriptedModel.of(tok, "Done: $\\boxed{5}$\n```python\nprint(5)\n```\n```output");
        RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok("5"));
        Solution s = tora.solve(model, exec, "p5", Q, SolveOptions.greedy(4), TranscriptSink.NONE);
        assertEquals(0, s.toolCalls());
        assertEquals("5", s.answer());
    }

    @Test
    void trainingSpansOfRealToraExamplesConcatenateToTheTextAndLabelCodeAndOutput() throws IOException {
        Path file = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/samples/tora_code_nested_examples.jsonl");
        Assumptions.assumeTrue(Files.exists(file), "missing " + file);
        ObjectMapper json = new ObjectMapper();
        int rows = 0, withCode = 0;
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode msgs = json.readTree(line).get("messages");
            String q = msgs.get(0).get("content").asText(), sol = msgs.get(1).get("content").asText();
            List<Span> spans = tora.renderTraining(q, sol);
            String all = spans.stream().filter(sp -> sp.kind() != SpanKind.EOS).map(Span::text).collect(Collectors.joining());
            assertEquals(tora.renderPrompt(q) + sol, all);
            assertEquals(SpanKind.PROMPT, spans.getFirst().kind());
            assertEquals(SpanKind.EOS, spans.getLast().kind());
            for (int i = 0; i < spans.size(); i++) {
                Span sp = spans.get(i);
                if (sp.kind() == SpanKind.CODE) assertTrue(spans.get(i - 1).text().endsWith("```python\n"));
                if (sp.kind() == SpanKind.EXECUTION) {
                    assertTrue(spans.get(i - 1).text().endsWith("```output"), "the opener is trained");
                    assertTrue(sp.text().startsWith("\n") && sp.text().contains("```"), sp.text());
                }
            }
            if (sol.contains("```python")) {
                withCode++;
                assertTrue(spans.stream().anyMatch(sp -> sp.kind() == SpanKind.CODE), "row " + rows);
            } else {
                assertEquals(3, spans.size(), "a solution without code is prompt, text, EOS");
            }
            rows++;
        }
        assertEquals(30, rows);
        assertTrue(withCode >= 20, "only " + withCode + " rows with code");
    }

    @Test
    void trainingTextEqualsWhatTheInferenceLoopBuilds() {
        // The transcript of a run, rendered as a training example, gives back prompt + transcript.
        ScriptedModel model = ScriptedModel.of(tok, STEP1 + "```output", "The answer is $\\boxed{42}$.");
        Solution s = tora.solve(model, new RecordingExecutor((c, n) -> ExecutionResult.ok("42")), "p6", Q,
                SolveOptions.greedy(4), TranscriptSink.NONE);
        List<Span> spans = tora.renderTraining(Q, s.transcript());
        assertEquals(List.of(SpanKind.PROMPT, SpanKind.TEXT, SpanKind.CODE, SpanKind.TEXT, SpanKind.EXECUTION, SpanKind.TEXT, SpanKind.EOS),
                spans.stream().map(Span::kind).toList());
        assertEquals("\n42\n```\n", spans.get(4).text());
    }
}
