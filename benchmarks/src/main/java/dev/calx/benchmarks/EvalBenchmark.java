package dev.calx.benchmarks;

import dev.calx.decode.eval.EvalHarness;
import dev.calx.decode.eval.EvalSummary;
import dev.calx.decode.eval.Problem;
import dev.calx.decode.eval.ProblemReader;
import dev.calx.decode.exec.InterpreterExecutor;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.grade.MathGrader;
import dev.calx.interpreter.InterpreterOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code calx eval} problems per minute (issue 10), end to end: a model directory, a JSONL of
 * problems, the ToRA tool loop with GraalPy, greedy, batched, graded; the time GraalPy workers
 * take to start is part of it, as it is for a user. A plain main (not JMH: one run takes tens of
 * seconds). Prints the harness summary and one line the suite reads:
 * {@code calx eval: P problems, B batch, X problems/min, accuracy A, model F s, python Y s, other Z s}.
 *
 * <pre>java ... dev.calx.benchmarks.EvalBenchmark MODEL_DIR DATA.jsonl LIMIT BATCH</pre>
 */
public final class EvalBenchmark {
    private EvalBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: EvalBenchmark MODEL_DIR DATA.jsonl LIMIT BATCH");
            System.exit(2);
        }
        Path model = Path.of(args[0]), data = Path.of(args[1]);
        int limit = Integer.parseInt(args[2]), batch = Integer.parseInt(args[3]);
        List<Problem> problems = new ProblemReader(null, null).read(data);
        if (limit < problems.size()) problems = problems.subList(0, limit);
        PromptFormat tora = Formats.get("tora");
        EvalHarness harness = new EvalHarness(new EvalHarness.Config(tora, SolveOptions.greedy(tora.defaultMaxToolCalls()),
                batch, new MathGrader(), false));
        int workers = Math.max(1, Math.min(batch, Runtime.getRuntime().availableProcessors()));
        try (LlamaSessionFactory m = LlamaSessionFactory.open(model, null, 512);
             PythonExecutor executor = new InterpreterExecutor(InterpreterOptions.defaults().withWorkers(workers))) {
            EvalSummary s = harness.run(problems, m, executor, null, null);
            s.lines().forEach(System.out::println);
            System.out.printf("calx eval: %d problems, %d batch, %.2f problems/min, accuracy %.4f, model %.1f s, python %.1f s, other %.1f s%n",
                    s.problems(), batch, s.problems() / s.wallSeconds() * 60, s.accuracy(), s.forwardWallSeconds(),
                    s.pythonWallSeconds(), s.otherWallSeconds());
        }
    }
}
