package dev.calx.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calx.decode.eval.EvalHarness;
import dev.calx.decode.eval.EvalRecord;
import dev.calx.decode.eval.Problem;
import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.MathCoderFormat;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.grade.MathGrader;
import dev.calx.decode.sample.SamplerConfig;
import dev.calx.trainer.data.DataFormat;
import dev.calx.trainer.data.Example;
import dev.calx.trainer.data.Jsonl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Generation accuracy on a held-out slice during training (issue 8, "optionally"): the first N
 * validation problems, greedy-decoded with the format's own tool loop through decode's
 * evaluation harness (the same solve and grader as {@code calx eval}), on the weights being
 * trained (the inference session reads the training tensors, so no copy is made). The reference
 * answer is the row's {@code answer} field when it has one (synthesized data), else the answer
 * extracted from the training solution (its last \boxed{} or "The answer is").
 */
public final class GenerationEval implements AutoCloseable {
    private final EvalHarness harness;
    private final SessionFactory model;
    private final PythonExecutor executor;
    private final List<Problem> problems;

    /**
     * How many were right, of how many, and how long it took.
     *
     * @param correct problems whose extracted answer the grader accepted
     * @param total   problems solved
     * @param seconds wall-clock time of the whole evaluation, in seconds
     */
    public record Result(int correct, int total, double seconds) {
        /**
         * The fraction of problems solved.
         *
         * @return {@code correct / total}, or 0 when there were no problems
         */
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    /**
     * Sets up greedy solving with the format's own tool-call limit, one problem at a time.
     *
     * @param format       the inference format (see {@link #promptFormat})
     * @param model        sessions over the weights being trained; not closed here
     * @param executor     runs the format's tool calls; owned from now on ({@link #close()} closes it)
     * @param problems     the problems, copied
     * @param maxNewTokens the new-token budget of each problem, used both per generated segment and in total
     */
    public GenerationEval(PromptFormat format, SessionFactory model, PythonExecutor executor, List<Problem> problems, int maxNewTokens) {
        SolveOptions opts = new SolveOptions(format.defaultMaxToolCalls(), maxNewTokens, maxNewTokens, SamplerConfig.greedy());
        this.harness = new EvalHarness(new EvalHarness.Config(format, opts, 1, new MathGrader(), false));
        this.model = model;
        this.executor = executor;
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems every evaluation solves.
     *
     * @return the problems, in evaluation order (unmodifiable)
     */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * Solves and grades every problem, one after the other, on the weights as they are now.
     *
     * @return the accuracy and the time taken
     */
    public Result evaluate() {
        long t0 = System.nanoTime();
        int correct = 0;
        for (Problem p : problems) {
            EvalRecord r = harness.solve(p, model, executor);
            if (r.correct()) correct++;
        }
        return new Result(correct, problems.size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The inference format a data format trains (the template {@link DataFormat#render} uses).
     *
     * @param f the training data format
     * @return decode's {@code cot}, {@code tora} or {@code mathcoder} format
     */
    public static PromptFormat promptFormat(DataFormat f) {
        return switch (f) {
            case ALPACA -> dev.calx.decode.format.Formats.get("cot");
            case TORA -> dev.calx.decode.format.Formats.get("tora");
            case MATHCODER -> dev.calx.decode.format.Formats.get("mathcoder");
        };
    }

    /**
     * The first n rows of a validation file as problems with reference answers; a row without one is an error naming it.
     *
     * @param file   a JSONL file in {@code format} (the whole file is parsed, so a bad line anywhere fails)
     * @param format how to read its rows
     * @param n      the number of problems wanted; fewer when the file is shorter
     * @return the problems, in file order, each with the row's {@code file:line} as id
     * @throws IOException when the file cannot be read
     * @throws dev.calx.trainer.data.DataFormatException when a line is not valid JSON or a row is malformed for the format
     * @throws IllegalArgumentException when one of the first n rows has no reference answer
     */
    public static List<Problem> problems(Path file, DataFormat format, int n) throws IOException {
        List<Problem> out = new ArrayList<>();
        for (Jsonl.Row r : Jsonl.read(file)) {
            if (out.size() >= n) break;
            Example ex = format.read(r);
            String ref = reference(r.node().get("answer"), ex);
            if (ref == null) {
                throw new IllegalArgumentException(ex.where() + ": no reference answer for generation accuracy (no \"answer\" field and"
                        + " no \\boxed{}, \"The answer is\" or #### line in the solution)");
            }
            out.add(new Problem(ex.where(), ex.question(), ref, (int) r.line()));
        }
        return out;
    }

    private static String reference(JsonNode answer, Example ex) {
        if (answer != null && (answer.isTextual() || answer.isNumber())) return answer.asText();
        String text = ex.solution();
        if (text == null && ex.blocks() != null) {
            StringBuilder sb = new StringBuilder();
            for (MathCoderFormat.Block b : ex.blocks()) if (b.role().equals("text")) sb.append(b.content()).append('\n');
            text = sb.toString();
        }
        if (text == null) return null;
        AnswerExtractor.Extraction e = AnswerExtractor.extract(text);
        return switch (e.source()) {
            case BOXED, ANSWER_IS, HASH_LINE -> e.answer();
            default -> null;
        };
    }

    /**
     * An executor started on first use (CoT never runs code, so it never starts an interpreter).
     * Creation is synchronized, so the result may be shared by threads; closing it closes the
     * inner executor only if one was made.
     *
     * @param make creates the real executor, called at most once
     * @return the lazy executor
     */
    public static PythonExecutor lazy(Supplier<PythonExecutor> make) {
        return new PythonExecutor() {
            private PythonExecutor inner;

            private synchronized PythonExecutor get() {
                if (inner == null) inner = make.get();
                return inner;
            }

            @Override
            public void start() {
                get().start();
            }

            @Override
            public ExecutionResult execute(String sessionId, String code) {
                return get().execute(sessionId, code);
            }

            @Override
            public void closeSession(String sessionId) {
                if (inner != null) inner.closeSession(sessionId);
            }

            @Override
            public synchronized void close() {
                if (inner != null) inner.close();
            }
        };
    }

    /** Closes the executor given to the constructor (not the session factory). */
    @Override
    public void close() {
        executor.close();
    }
}
