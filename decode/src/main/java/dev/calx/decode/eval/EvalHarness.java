package dev.calx.decode.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.format.TranscriptSink;
import dev.calx.decode.generate.StepBatcher;
import dev.calx.decode.generate.WallClockSplit;
import dev.calx.decode.grade.MathGrader;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.TempFiles;
import dev.calx.llama.tokenizer.Tokenizer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Solves a list of problems with one format and grades them. Writes one JSON line per problem
 * (in completion order, flushed as it goes), resumes from an existing output file (problems
 * already in it are skipped; a torn last line from a killed run is dropped), shows progress, and
 * returns the summary.
 *
 * <p>Batched generation: {@code concurrency} problems are in flight at once, each on its own
 * thread running the ordinary tool loop with its own session and Python session, and their
 * decode steps are run together as one batched forward ({@link StepBatcher} over the model's
 * {@link SessionFactory#batchStep}). A problem running Python does not hold up the others; a
 * finished problem's thread takes the next one, so the batch stays full. Prefills (prompt, tool
 * output) run per sequence between steps. Since a Llama sequence's numbers do not depend on
 * who shares its step, greedy results are the same for every concurrency.
 */
public final class EvalHarness {
    private static final ObjectMapper JSON = StrictJson.mapper();

    /**
     * How to run: the format and limits, how many problems at once (the batch size), the grader, whether to keep transcripts.
     *
     * @param format      the prompt format that solves each problem
     * @param options     tool-call and token limits and the sampler, the same for every problem
     * @param concurrency problems in flight at once (threads, and the most sequences per batched
     *                    step), at least 1
     * @param grader      compares each extracted answer with the reference
     * @param keepOutputs write each transcript into its record's {@code output} field
     */
    public record Config(PromptFormat format, SolveOptions options, int concurrency, MathGrader grader, boolean keepOutputs) {
        /**
         * Validates the concurrency.
         *
         * @param format      the prompt format
         * @param options     the solve limits
         * @param concurrency problems in flight at once, at least 1
         * @param grader      the grader
         * @param keepOutputs whether records keep the transcript
         * @throws IllegalArgumentException when {@code concurrency} is less than 1
         */
        public Config {
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
    }

    private final Config config;

    /**
     * A harness; it keeps no state between runs.
     *
     * @param config the format, limits, batch size and grader of every run
     */
    public EvalHarness(Config config) {
        this.config = config;
    }

    /**
     * Solves and grades every problem not already in {@code out}, {@code concurrency} at a time,
     * with batched decode steps, and appends one record per problem to {@code out} as each
     * finishes. Blocks until all are done. Problems are matched to earlier records by id and line.
     * The executor is used, not closed.
     *
     * @param problems the problems, in the order they are started
     * @param model    the model; its {@link SessionFactory#batchStep} runs the batched steps
     * @param executor runs the formats' code cells; must accept concurrent calls for different
     *                 sessions
     * @param out      the JSONL output file, created or appended to; null writes nothing (and
     *                 resumes nothing)
     * @param progress progress display, or null
     * @return totals over all records, the resumed ones included
     * @throws IOException when the output cannot be read or written, an earlier line in it is
     *         not a record, another run holds its lock ({@link #lockFile}), or the run is
     *         interrupted
     */
    public EvalSummary run(List<Problem> problems, SessionFactory model, PythonExecutor executor, Path out,
                           ProgressBar progress) throws IOException {
        if (out == null) return runLocked(problems, model, executor, null, progress);
        // one run per output file: two would interleave records and each resume the other's
        try (OutputLock lock = lock(out)) {
            return runLocked(problems, model, executor, out, progress);
        }
    }

    /**
     * As {@link #run(List, SessionFactory, PythonExecutor, Path, ProgressBar)}, under a lock the
     * caller already holds (e.g. {@code calx eval}, which also checks and writes the options
     * file beside {@code out} under it).
     *
     * @param problems the problems
     * @param model    the model
     * @param executor runs the code cells
     * @param out      the JSONL output file
     * @param progress progress display, or null
     * @param held     the lock from {@link #lock(Path)} for this {@code out}
     * @return totals over all records, the resumed ones included
     * @throws IOException as the other {@code run}
     * @throws IllegalArgumentException when {@code held} is not this output's lock
     */
    public EvalSummary run(List<Problem> problems, SessionFactory model, PythonExecutor executor, Path out,
                           ProgressBar progress, OutputLock held) throws IOException {
        if (!held.file().equals(lockFile(out))) {
            throw new IllegalArgumentException("the lock " + held.file() + " is not the one of " + out + " (" + lockFile(out) + ")");
        }
        return runLocked(problems, model, executor, out, progress);
    }

    /**
     * Takes the lock of an eval output (see {@link OutputLock}).
     *
     * @param out the eval output file
     * @return the held lock
     * @throws IOException when another run holds it
     */
    public static OutputLock lock(Path out) throws IOException {
        return OutputLock.acquire(lockFile(out), "the eval output " + out);
    }

    /**
     * {@return the lock file that guards an eval output: {@code .NAME.lock} beside it} See
     * {@link OutputLock}.
     *
     * @param out the eval output file
     */
    public static Path lockFile(Path out) {
        return out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".lock");
    }

    private EvalSummary runLocked(List<Problem> problems, SessionFactory model, PythonExecutor executor, Path out,
                                  ProgressBar progress) throws IOException {
        Map<String, EvalRecord> previous = out != null && Files.exists(out) ? readExisting(out) : Map.of();
        List<EvalRecord> all = Collections.synchronizedList(new ArrayList<>());
        List<Problem> todo = new ArrayList<>();
        for (Problem p : problems) {
            EvalRecord r = previous.get(key(p.id(), p.line()));
            if (r != null) all.add(r);
            else todo.add(p);
        }
        int[] counts = {all.size(), (int) all.stream().filter(EvalRecord::correct).count()};
        if (progress != null) progress.update(counts[0], counts[1], true);
        WallClockSplit clock = new WallClockSplit();
        clock.start();
        int width = config.concurrency();
        StepBatcher batcher = new StepBatcher(model.batchStep(width), width, clock);
        SessionFactory batched = new SessionFactory() {
            @Override
            public InferenceSession newSession() {
                return batcher.wrap(model.newSession());
            }

            @Override
            public Tokenizer tokenizer() {
                return model.tokenizer();
            }
        };
        PythonExecutor timed = new AwayWhileExecuting(executor, batcher, clock, progress, new AtomicBoolean());
        BufferedWriter writer = out == null ? null : Files.newBufferedWriter(out, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ExecutorService pool = Executors.newFixedThreadPool(width, r -> {
            Thread t = new Thread(r, "calx-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Problem p : todo) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Solution s;
                    batcher.join();
                    try {
                        s = config.format().solve(batched, timed, p.id(), p.question(), config.options(), TranscriptSink.NONE);
                    } finally {
                        batcher.leave();
                    }
                    EvalRecord r = grade(p, s, t0);
                    synchronized (all) {
                        all.add(r);
                        counts[0]++;
                        if (r.correct()) counts[1]++;
                        if (writer != null) {
                            try {
                                writer.write(JSON.writeValueAsString(r));
                                writer.write('\n');
                                writer.flush();
                            } catch (IOException e) {
                                throw new UncheckedIOException(out + ": " + e.getMessage(), e);
                            }
                        }
                        if (progress != null) progress.update(counts[0], counts[1], false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) throw io;
                    if (c instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    pool.shutdownNow();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdown();
            if (writer != null) writer.close();
        }
        clock.stop();
        if (progress != null) progress.update(counts[0], counts[1], true);
        return EvalSummary.of(new ArrayList<>(all), todo.size(), clock.totals(), batcher.meanBatch());
    }

    /**
     * Solves and grades one problem on its own (no batching), on the calling thread.
     *
     * @param p        the problem
     * @param model    the model
     * @param executor runs the code cells (its session for the problem is closed at the end)
     * @return the problem's record, as {@link #run} would write it
     */
    public EvalRecord solve(Problem p, SessionFactory model, PythonExecutor executor) {
        long t0 = System.nanoTime();
        Solution s = config.format().solve(model, executor, p.id(), p.question(), config.options(), TranscriptSink.NONE);
        return grade(p, s, t0);
    }

    private EvalRecord grade(Problem p, Solution s, long t0) {
        MathGrader.Verdict v = config.grader().grade(s.answer(), p.reference());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long modelMs = s.stats().modelNanos() / 1_000_000, execMs = s.executionNanos() / 1_000_000;
        return new EvalRecord(p.id(), p.line(), p.question(), s.answer(), s.answerSource().name().toLowerCase(java.util.Locale.ROOT),
                p.reference(), v.equal(), v.timedOut(), config.grader().parses(s.answer()), s.toolCalls(), s.toolErrors(),
                s.toolTimeouts(), s.hitToolLimit(), s.lastStop() == null ? null : s.lastStop().name().toLowerCase(java.util.Locale.ROOT),
                s.stats().prefillTokens(), s.stats().decodeTokens(), ms, modelMs, execMs, Math.max(0, ms - modelMs - execMs),
                config.keepOutputs() ? s.transcript() : null);
    }

    /** The executor the loops see: time in Python is reported, and the thread does not hold up batched steps. */
    private record AwayWhileExecuting(PythonExecutor inner, StepBatcher batcher, WallClockSplit clock, ProgressBar progress,
                                      AtomicBoolean started) implements PythonExecutor {
        @Override
        public ExecutionResult execute(String sessionId, String code) {
            batcher.awayStarts();
            clock.pythonStarts();
            try {
                return inner.execute(sessionId, code);
            } finally {
                clock.pythonEnds();
                batcher.awayEnds();
            }
        }

        /** Python's start-up (the first cell's wait for GraalPy, SymPy imported) is its own part of the time split. */
        @Override
        public void start() {
            boolean first = started.compareAndSet(false, true);
            if (first && progress != null) progress.status("starting Python");
            batcher.awayStarts();
            clock.startupStarts();
            try {
                inner.start();
            } finally {
                clock.startupEnds();
                batcher.awayEnds();
                if (first && progress != null) progress.status(null);
            }
        }

        @Override
        public void closeSession(String sessionId) {
            inner.closeSession(sessionId);
        }
    }

    private static String key(String id, int line) {
        return line + "\u0000" + id;
    }

    /**
     * Records of an earlier run. A torn last line (the run was killed mid-write) is dropped and
     * the file rewritten without it (temp file, then rename); a bad line elsewhere is an error.
     */
    static Map<String, EvalRecord> readExisting(Path out) throws IOException {
        Utf8Lines.Log<EvalRecord> log;
        try {
            log = Utf8Lines.readLog(out, "an evaluation record", line -> JSON.readValue(line, EvalRecord.class));
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (cannot resume)", e);
        }
        Map<String, EvalRecord> records = new HashMap<>();
        for (EvalRecord r : log.values()) records.put(key(r.id(), r.line()), r);
        if (log.needsRewrite()) {
            Path tmp = TempFiles.createBeside(out);
            try {
                Files.write(tmp, log.lines(), StandardCharsets.UTF_8);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return records;
    }
}
