package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.ScriptedModel;
import dev.calx.decode.testing.TestTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlpacaFormatTest {
    private final TestTokenizer tok = TestTokenizer.plain();
    private static final String Q = "Tom has 2 apples and buys 3. How many?";
    private static final String HEADER = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n";

    @Test
    void promptsAreMammothsAlpacaTemplate() {
        assertEquals(HEADER + Q + "\n\n### Response:", Formats.get("cot").renderPrompt(Q));
        assertEquals(HEADER + Q + " Let's write a program.\n\n### Response:", Formats.get("pot").renderPrompt(Q));
        assertEquals(Formats.get("pot").renderPrompt(Q), Formats.get("hybrid").renderPrompt(Q));
    }

    @Test
    void potRunsTheProgramAndItsLastPrintedLineIsTheAnswer() {
        ScriptedModel model = ScriptedModel.of(tok, "\napples = 2 + 3\nprint('total')\nprint(apples)");
        RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok("total\n5\n"));
        Solution s = Formats.get("pot").solve(model, exec, "a1", Q, SolveOptions.greedy(1), TranscriptSink.NONE);
        assertEquals("apples = 2 + 3\nprint('total')\nprint(apples)", exec.calls.getFirst().code());
        assertEquals("5", s.answer());
        assertEquals(AnswerExtractor.Source.OUTPUT_BLOCK, s.answerSource());
        assertEquals(1, s.toolCalls());
    }

    @Test
    void aPrintedLineWithWordsGivesTheAnswerInIt() {
        for (String[] c : new String[][] {{"The answer is 5", "5"}, {"Total: 1,250 apples", "1250"}, {"x = 3", "x = 3"},
                {"sqrt(2)/2", "sqrt(2)/2"}, {"[1, 2]", "[1, 2]"}, {"True", "True"}, {"The answer is $\\frac{3}{4}$.", "\\frac{3}{4}"}}) {
            ScriptedModel model = ScriptedModel.of(tok, "\nprint(x)");
            RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok("working\n" + c[0] + "\n"));
            Solution s = Formats.get("pot").solve(model, exec, "a1", Q, SolveOptions.greedy(1), TranscriptSink.NONE);
            assertEquals(c[1], s.answer(), c[0]);
            assertEquals(AnswerExtractor.Source.OUTPUT_BLOCK, s.answerSource());
        }
    }

    @Test
    void cotExtractsTheAnswerFromText() {
        ScriptedModel model = ScriptedModel.of(tok, " 2 + 3 = 5 apples. The answer is 5.");
        Solution s = Formats.get("cot").solve(model, new RecordingExecutor((c, n) -> ExecutionResult.ok("")), "a2", Q,
                SolveOptions.greedy(0), TranscriptSink.NONE);
        assertEquals("5", s.answer());
        assertEquals(0, s.toolCalls());
    }

    @Test
    void hybridFallsBackToCotWhenTheProgramFailsOrPrintsNothing() {
        ScriptedModel failing = new ScriptedModel(tok, List.of(List.of("print(apples)"), List.of(" 2 + 3 = 5. The answer is 5.")));
        RecordingExecutor exec = new RecordingExecutor((c, n) -> ExecutionResult.error("", "NameError: name 'apples' is not defined"));
        Solution s = Formats.get("hybrid").solve(failing, exec, "a3", Q, SolveOptions.greedy(1), TranscriptSink.NONE);
        assertEquals("5", s.answer());
        assertEquals(2, failing.sessions.size(), "the CoT attempt uses a fresh session");
        assertTrue(s.transcript().contains("falling back to CoT"));
        assertEquals(1, s.toolErrors());
        assertEquals(HEADER + Q + "\n\n### Response:", tok.decode(failing.sessions.get(1).appends().getFirst()));

        ScriptedModel silent = new ScriptedModel(tok, List.of(List.of("x = 5"), List.of(" The answer is 5.")));
        Solution s2 = Formats.get("hybrid").solve(silent, new RecordingExecutor((c, n) -> ExecutionResult.ok("")), "a4", Q,
                SolveOptions.greedy(1), TranscriptSink.NONE);
        assertEquals(2, silent.sessions.size());
        assertEquals("5", s2.answer());

        ScriptedModel working = new ScriptedModel(tok, List.of(List.of("print(5)"), List.of("never")));
        Solution s3 = Formats.get("hybrid").solve(working, new RecordingExecutor((c, n) -> ExecutionResult.ok("5\n")), "a5", Q,
                SolveOptions.greedy(1), TranscriptSink.NONE);
        assertEquals(1, working.sessions.size(), "no fallback when the program prints an answer");
        assertFalse(s3.transcript().contains("falling back"));
    }

    @Test
    void trainingSpansMaskThePromptOnly() {
        List<Span> pot = Formats.get("pot").renderTraining(Q, "print(5)");
        assertEquals(List.of(SpanKind.PROMPT, SpanKind.CODE, SpanKind.EOS), pot.stream().map(Span::kind).toList());
        assertEquals(Formats.get("pot").renderPrompt(Q), pot.getFirst().text());
        List<Span> cot = Formats.get("cot").renderTraining(Q, " The answer is 5.");
        assertEquals(SpanKind.TEXT, cot.get(1).kind());
    }

    @Test
    void unknownFormatNamesTheKnownOnes() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Formats.get("nope"));
        assertTrue(e.getMessage().contains("tora") && e.getMessage().contains("mathcoder"), e.getMessage());
    }
}
