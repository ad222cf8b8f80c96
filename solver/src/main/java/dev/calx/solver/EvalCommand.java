package dev.calx.solver;

import dev.calx.decode.eval.EvalHarness;
import dev.calx.decode.eval.EvalSummary;
import dev.calx.decode.eval.Problem;
import dev.calx.decode.eval.ProblemReader;
import dev.calx.decode.eval.ProgressBar;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.grade.MathGrader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code calx eval}: solves a data set with a model and grades it; one JSON line per problem,
 * resumable, with a progress bar and a summary.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on GSM8K, MATH, SVAMP/ASDiv or MathCoder JSONL.")
public final class EvalCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public EvalCommand() { }

    @Mixin
    SolveCommand.Decoding decoding;

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "Problems with references.")
    Path data;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N problems; 0: all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch", defaultValue = "1",
            description = "Problems in flight at once; their decode steps run as one batched forward, each with its own"
                    + " KV cache and Python session (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--python-workers", defaultValue = "0", paramLabel = "N",
            description = "GraalPy worker processes shared by the problems in flight; 0: min(--batch, processors)"
                    + " (default: ${DEFAULT-VALUE}). Each worker is a JVM with SymPy imported.")
    int pythonWorkers;

    @Option(names = "--out", paramLabel = "FILE", description = "JSONL results; an existing file is resumed.")
    Path out;

    @Option(names = "--question-field", paramLabel = "F", description = "Question field (dotted path); default: detected.")
    String questionField;

    @Option(names = "--answer-field", paramLabel = "F", description = "Reference field (dotted path); default: detected.")
    String answerField;

    @Option(names = "--no-outputs", description = "Leave transcripts out of the JSON lines.")
    boolean noOutputs;

    /** More workers than cores only compete for them: their start-up (SymPy import) alone takes many seconds each. */
    int workers() {
        if (pythonWorkers > 0) return pythonWorkers;
        return Math.max(1, Math.min(batch, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 0) throw new IllegalArgumentException("--limit must be 0 (all) or more, got " + limit);
        if (batch < 1) throw new IllegalArgumentException("--batch must be 1 or more, got " + batch);
        List<Problem> problems = new ProblemReader(questionField, answerField).read(data);
        if (problems.isEmpty()) throw new IllegalArgumentException(data + ": no problems in the file");
        if (limit > 0 && limit < problems.size()) problems = problems.subList(0, limit);
        PromptFormat format = decoding.promptFormat();
        EvalHarness harness = new EvalHarness(new EvalHarness.Config(format, decoding.solveOptions(format), batch,
                new MathGrader(), !noOutputs));
        try (LlamaSessionFactory model = decoding.openModel(); PythonExecutor executor = decoding.openExecutor(workers(), false)) {
            ProgressBar bar = new ProgressBar(System.err, problems.size(), ProgressBar.stderrIsTerminal());
            EvalSummary s = harness.run(problems, model, executor, out, bar);
            s.lines().forEach(System.out::println);
        }
        return 0;
    }
}
