package dev.calx.examples;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.solver.DefaultModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Solves one question with the ToRA tool loop (the model writes a program, it runs, its output
 * goes back into the model's context) through a custom {@link PythonExecutor}: here the
 * system's CPython in a fresh process per cell, instead of Calx's sandboxed GraalPy.
 * Arguments: question, model (default: the small model embedded in calx-solver), python command.
 */
public final class ToolLoop {
    private ToolLoop() {}

    /** Runs each cell alone in {@code python -c}; no state is kept between the cells of a problem. */
    static final class CPythonExecutor implements PythonExecutor {
        final String python;
        final AtomicInteger cells = new AtomicInteger();

        CPythonExecutor(String python) { this.python = python; }

        @Override
        public ExecutionResult execute(String sessionId, String code) {
            cells.incrementAndGet();
            try {
                Process p = new ProcessBuilder(python, "-c", code).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(10, TimeUnit.SECONDS)) { p.destroyForcibly(); return ExecutionResult.timeout(out); }
                return p.exitValue() == 0 ? ExecutionResult.ok(out) : ExecutionResult.error("", out);
            } catch (IOException | InterruptedException e) {
                return ExecutionResult.error("", e.toString());
            }
        }

        @Override
        public void closeSession(String sessionId) { }
    }

    /**
     * Runs the example.
     *
     * @param args question, model, python command (all optional)
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        String question = args.length > 0 ? args[0]
                : "Sam is 7 years old. Ben is 3 times as old as Sam. What will be the sum of their ages in 5 years?";
        Path model = args.length > 1 ? Path.of(args[1]) : DefaultModel.directory();
        PromptFormat tora = Formats.get("tora");
        try (LlamaSessionFactory llm = LlamaSessionFactory.open(model, null, 0);
             CPythonExecutor python = new CPythonExecutor(args.length > 2 ? args[2] : "python3")) {
            Solution s = tora.solve(llm, python, "q1", question, SolveOptions.greedy(tora.defaultMaxToolCalls()),
                    (kind, text) -> System.out.print(text)); // the transcript as it is produced, code output included
            System.out.printf("%nAnswer: %s (%d cells run by CPython)%n", s.answer(), python.cells.get());
        }
    }
}
