package dev.calx.trainer.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.trainer.synth.Problem;
import dev.calx.trainer.synth.Synthesizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Synthesized programs run in the sandboxed GraalPy interpreter: real outputs, failures reported. */
class GraalPyCodeRunnerTest {
    static GraalPyCodeRunner runner;

    @BeforeAll
    static void start() {
        Assumptions.assumeFalse(InterpreterOptions.detectPythonPath().isEmpty(),
                "missing sympy for GraalPy (/usr/lib/python3/dist-packages/sympy)");
        runner = new GraalPyCodeRunner(InterpreterOptions.defaults().withWorkers(1).withSpareWorkers(0).withTimeout(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (runner != null) runner.close();
    }

    @Test
    void everySynthesizedProgramPrintsTheKnownAnswerInGraalPy(@TempDir Path tmp) throws Exception {
        List<Problem> ps = Synthesizer.generate(40, 5);
        assertTrue(ps.stream().anyMatch(Problem::backward), "the sample should hold backward (SymPy) programs");
        Synthesizer.Report r = Synthesizer.write(ps, tmp, 5, runner);
        assertTrue(r.executed());
        assertEquals(0, r.dropped(), r.dropReasons().toString());
        ObjectMapper json = new ObjectMapper();
        int rows = 0;
        for (String split : List.of("train", "val", "test")) {
            Path f = tmp.resolve("stage2_code_" + split + ".jsonl");
            if (!Files.exists(f)) continue;
            for (String line : Files.readAllLines(f)) {
                JsonNode n = json.readTree(line);
                assertTrue(n.get("executor").asText().startsWith("graalpy"), n.get("executor").asText());
                String sol = n.get("messages").get(1).get("content").asText();
                assertTrue(sol.contains("```output\n" + n.get("answer").asText() + "\n```"), sol);
                rows++;
            }
        }
        assertEquals(ps.size(), rows);
    }

    @Test
    void failuresAndWrongOutputsComeBackAsTheyAre() {
        List<CodeRunner.Result> rs = runner.runAll(List.of("print(6 * 7)", "print(1 // 0)", "x = 2\nprint(x + 2)"));
        assertEquals(new CodeRunner.Result("42\n", null), rs.get(0));
        assertFalse(rs.get(1).ok());
        assertTrue(rs.get(1).error().startsWith("ZeroDivisionError"), rs.get(1).error());
        assertEquals("4\n", rs.get(2).stdout());
        // fresh namespace per program: x from the previous program is gone
        CodeRunner.Result r = runner.run("print(x)");
        assertTrue(r.error() != null && r.error().startsWith("NameError"), String.valueOf(r.error()));
    }
}
