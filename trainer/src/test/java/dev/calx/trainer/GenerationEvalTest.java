package dev.calx.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.eval.Problem;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.format.Span;
import dev.calx.decode.format.TranscriptSink;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.trainer.data.DataFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Generation accuracy during training: held-out problems and their references come from the
 * validation file (the answer field, or the solution's boxed answer), answers are graded by
 * decode's grader (so "0.50" matches "1/2"), and val_accuracy lands in metrics.jsonl at each
 * evaluation step next to val_loss.
 */
class GenerationEvalTest {
    @TempDir Path tmp;

    /** A stand-in format that "solves" by looking the question up, so the accuracy is known. */
    private record LookupFormat(Map<String, String> answers, List<String> asked) implements PromptFormat {
        @Override public String name() { return "lookup"; }
        @Override public int defaultMaxToolCalls() { return 4; }
        @Override public String renderPrompt(String q) { return q; }
        @Override public List<Span> renderTraining(String q, String s) { throw new UnsupportedOperationException(); }

        @Override
        public Solution solve(SessionFactory model, PythonExecutor executor, String id, String question, SolveOptions o, TranscriptSink sink) {
            asked.add(question);
            assertEquals(4, o.maxToolCalls());
            assertEquals(64, o.maxNewTokensTotal());
            String a = answers.getOrDefault(question, "");
            return new Solution("lookup", a, a, AnswerExtractor.Source.BOXED, 0, 0, 0, false, null, new GenerationStats(), 0);
        }
    }

    @Test
    void referencesComeFromTheAnswerFieldOrTheBoxedSolutionAndARowWithoutOneIsNamed() throws Exception {
        Path f = tmp.resolve("val.jsonl");
        Files.writeString(f, """
                {"messages":[{"role":"user","content":"Q1"},{"role":"assistant","content":"x"}],"answer":"7/2"}
                {"messages":[{"role":"user","content":"Q2"},{"role":"assistant","content":"so it is $\\\\boxed{12}$."}]}
                {"messages":[{"role":"user","content":"Q3"},{"role":"assistant","content":"no answer here"}]}
                """);
        List<Problem> two = GenerationEval.problems(f, DataFormat.TORA, 2);
        assertEquals(List.of("Q1", "Q2"), two.stream().map(Problem::question).toList());
        assertEquals(List.of("7/2", "12"), two.stream().map(Problem::reference).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GenerationEval.problems(f, DataFormat.TORA, 3));
        assertTrue(e.getMessage().contains("val.jsonl:3"), e.getMessage());
    }

    @Test
    void accuracyIsGradedByDecodesGraderAndLoggedAtEachEvaluation() throws Exception {
        List<Problem> ps = List.of(new Problem("a", "half?", "1/2", 1), new Problem("b", "two?", "2", 2),
                new Problem("c", "three?", "3", 3), new Problem("d", "four?", "4", 4));
        List<String> asked = new ArrayList<>();
        LookupFormat fmt = new LookupFormat(Map.of("half?", "0.50", "two?", "2", "three?", "4"), asked);
        GenerationEval g = new GenerationEval(fmt, null, GenerationEval.lazy(() -> { throw new AssertionError("no code was run"); }), ps, 64);
        GenerationEval.Result r = g.evaluate();
        assertEquals(2, r.correct());
        assertEquals(4, r.total());
        assertEquals(0.5, r.accuracy());

        // in the loop: every evaluation step (3, 6, 9 and the last, 10) logs it beside val_loss
        asked.clear();
        Trainer t = new Trainer(TrainerTest.cfg(), new TinyLm(16, 8, 3), TrainerTest.data(40, 16, 1), TrainerTest.data(8, 16, 2),
                tmp.resolve("run"), 0, TrainerTest.quiet()).withGenerationEval(g);
        t.run();
        ObjectMapper json = new ObjectMapper();
        List<Integer> evalSteps = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("run").resolve(Trainer.METRICS))) {
            JsonNode m = json.readTree(line);
            assertEquals(m.has("val_loss"), m.has("val_accuracy"), line);
            if (m.has("val_accuracy")) {
                evalSteps.add(m.get("step").asInt());
                assertEquals(0.5, m.get("val_accuracy").asDouble());
                assertEquals(4, m.get("val_problems").asInt());
            }
        }
        assertEquals(List.of(3, 6, 9, 10), evalSteps);
        assertEquals(16, asked.size(), "4 problems at 4 evaluations");
    }
}
