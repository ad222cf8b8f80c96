package dev.calx.examples;

import dev.calx.decode.exec.ExecutionResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolLoopTest {
    @BeforeAll
    static void needsCPython() {
        boolean ok;
        try {
            ok = new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
        } catch (Exception e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "missing python3 on PATH (the example's custom executor runs CPython)");
    }

    @Test
    void theCustomExecutorRunsCellsAndReportsErrorsAsTheLoopExpects() {
        ToolLoop.CPythonExecutor python = new ToolLoop.CPythonExecutor("python3");
        assertEquals("5", python.execute("s", "print(2 + 3)").display());
        ExecutionResult e = python.execute("s", "x = 1\nprint(x / 0)");
        assertTrue(e.failed());
        assertEquals("ZeroDivisionError: division by zero", e.display());
    }

    @Test
    void theEmbeddedModelWritesCodeThatTheCustomExecutorRunsAndTheLoopFeedsBack() throws Exception {
        String out = Stdout.of(() -> ToolLoop.main(new String[0]));
        assertTrue(out.contains("```python\n"), out);
        assertTrue(out.contains("```output\n"), "the executor's output is fed back in an output block:\n" + out);
        Matcher m = Pattern.compile("\nAnswer: (.*) \\((\\d+) cells run by CPython\\)\n$").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(2)) >= 1, out);
    }
}
