package dev.calx.trainer.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs in an external CPython process (e.g. {@code /usr/bin/python3}): a batch of
 * programs goes to one process as JSON, each is exec'd in a fresh namespace with stdout
 * captured, and the printed text or the exception comes back per program, one JSON line each as
 * it finishes. For trusted, generated code only (data synthesis): it is not a sandbox.
 *
 * <p>Limits are per program, as in the GraalPy runner: a program that has not finished
 * {@code timeoutSecondsPerProgram} seconds after the one before it comes back as a
 * {@code TimeoutError} result; its process is killed (a Python loop or a huge {@code 9**9**9**9}
 * cannot be interrupted from inside) and a new one runs the programs after it. Output past
 * {@link #MAX_OUTPUT_CHARS} characters stops the program with an {@code output truncated} error.
 */
public final class ProcessCodeRunner implements CodeRunner {
    /** Characters of stdout kept per program; printing more stops the program with an error. */
    public static final int MAX_OUTPUT_CHARS = 1 << 20;
    private static final String DRIVER = """
            import sys, os, json, io, contextlib
            LIMIT = %d
            class Capped(io.StringIO):
                def write(self, s):
                    room = LIMIT - self.tell()
                    if len(s) > room:
                        super().write(s[:max(room, 0)])
                        raise OverflowError("output truncated at %%d characters" %% LIMIT)
                    return super().write(s)
            progs = json.load(sys.stdin)
            # results go to a copy of fd 1; fd 1 itself becomes stderr, so a program writing to
            # sys.__stdout__ or os.write(1, ...) cannot break the result lines
            out = os.fdopen(os.dup(1), "w")
            os.dup2(2, 1)
            sys.__stdout__ = sys.stdout = os.fdopen(1, "w", closefd=False)
            out.write("ready\\n")
            out.flush()
            for p in progs:
                buf = Capped()
                err = None
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(compile(p, "<program>", "exec"), {"__name__": "__main__"})
                except BaseException as e:
                    err = type(e).__name__ + ": " + str(e)
                out.write(json.dumps({"stdout": buf.getvalue(), "error": err}) + "\\n")
                out.flush()
            """.formatted(MAX_OUTPUT_CHARS);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often a running batch's output is looked at. */
    private static final long POLL_MS = 20;
    /** Time for the interpreter to start and read its programs (until its "ready" line); each program then has its own limit. */
    private static final long START_SECONDS = 10;

    private final String python;
    private final long timeoutSecondsPerProgram;

    /**
     * A runner over an external interpreter; a process is started per {@link #runAll} call (and
     * one more after each program that runs out of time).
     *
     * @param python                   the interpreter's path or command name
     * @param timeoutSecondsPerProgram seconds allowed per program, counted from when the one
     *                                 before it finished (the interpreter gets 10 s more to start
     *                                 and read the programs)
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public ProcessCodeRunner(String python, long timeoutSecondsPerProgram) {
        if (timeoutSecondsPerProgram < 1) {
            throw new IllegalArgumentException("the time per program must be at least 1 s, got " + timeoutSecondsPerProgram);
        }
        this.python = python;
        this.timeoutSecondsPerProgram = timeoutSecondsPerProgram;
    }

    @Override
    public Result run(String code) {
        return runAll(List.of(code)).getFirst();
    }

    /**
     * {@inheritDoc} They go to one process, which is killed (with any processes it started) when
     * a program runs out of time; a new process then runs the rest. Its stdout and stderr go to
     * temporary files, deleted before this returns or throws.
     *
     * @throws java.io.UncheckedIOException when the process cannot be started or talked to
     * @throws IllegalStateException when the process ends before finishing its programs (a crash,
     *                               {@code os._exit}, or not a Python), does not start within 10
     *                               s, or prints something that is not its results
     */
    @Override
    public List<Result> runAll(List<String> programs) {
        List<Result> res = new ArrayList<>(programs.size());
        while (res.size() < programs.size()) {
            Batch b = runUntilTimeout(programs.subList(res.size(), programs.size()));
            res.addAll(b.results());
            if (b.timedOut()) {
                res.add(new Result("", "TimeoutError: the program did not finish within " + timeoutSecondsPerProgram
                        + " s; " + python + " was killed"));
            }
        }
        return res;
    }

    /** What one process finished, and whether the program after those ran out of time. */
    private record Batch(List<Result> results, boolean timedOut) { }

    /** Runs programs in one process until they are done or one runs out of time. */
    private Batch runUntilTimeout(List<String> programs) {
        Path outFile = null, errFile = null;
        Process p = null;
        try {
            // both streams to files, never pipes: an undrained pipe cannot fill up and block the
            // child, and the results written so far are there to read when a program hangs
            outFile = Files.createTempFile("calx-python", ".out");
            errFile = Files.createTempFile("calx-python", ".err");
            p = new ProcessBuilder(python, "-c", DRIVER).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(programs));
            }
            // lines: "ready" once the programs are read, then one result per program
            int lines = 0;
            long seen = 0;
            boolean timedOut = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
            while (true) {
                boolean exited = p.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
                long size = Files.size(outFile);
                int now = size == seen ? lines : completeLines(outFile);
                seen = size;
                if (now > lines) {
                    lines = now;
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecondsPerProgram);
                }
                if (exited || lines == programs.size() + 1) break;
                if (System.nanoTime() > deadline) {
                    kill(p);
                    if (lines == 0) {
                        throw new IllegalStateException(python + " did not start and read its programs within " + START_SECONDS
                                + " s; it was killed");
                    }
                    timedOut = true;
                    break;
                }
            }
            int done = Math.max(lines - 1, 0);
            List<Result> res = parse(outFile, programs.size());
            // a result that came in between the last look and the kill: that program did finish,
            // and the one after it gets a whole limit in the next process
            boolean killed = timedOut;
            if (timedOut && res.size() > done) timedOut = false;
            if (res.size() < programs.size() && !killed) {
                // it ended by itself before its last result: a crash, or not a Python at all
                String err = Files.readString(errFile, StandardCharsets.UTF_8).strip();
                throw new IllegalStateException(python + " exited with " + p.exitValue() + " after " + res.size() + " of "
                        + programs.size() + " program(s)" + (err.isEmpty() ? "" : ": " + err));
            }
            return new Batch(res, timedOut);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + python + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + python, e);
        } finally {
            if (p != null && p.isAlive()) kill(p);
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    /** The number of newline-terminated lines in f. */
    private static int completeLines(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int n = 0;
        for (byte x : b) if (x == '\n') n++;
        return n;
    }

    private List<Result> parse(Path outFile, int expected) throws IOException {
        String text = Files.readString(outFile, StandardCharsets.UTF_8);
        List<Result> res = new ArrayList<>();
        if (text.isEmpty()) return res;
        if (!text.startsWith("ready\n")) {
            throw new IllegalStateException(python + " printed something other than its results: "
                    + text.substring(0, Math.min(text.length(), 200)));
        }
        int at = "ready\n".length();
        for (int nl; (nl = text.indexOf('\n', at)) >= 0; at = nl + 1) {
            JsonNode n;
            try {
                n = JSON.readTree(text.substring(at, nl));
            } catch (IOException e) {
                throw new IllegalStateException(python + " printed something other than its results (line " + (res.size() + 1)
                        + "): " + text.substring(at, Math.min(nl, at + 200)));
            }
            if (n == null || !n.has("stdout") || !n.has("error")) {
                throw new IllegalStateException(python + " printed something other than its results (line " + (res.size() + 1) + ")");
            }
            res.add(new Result(n.get("stdout").asText(), n.get("error").isNull() ? null : n.get("error").asText()));
        }
        if (res.size() > expected) {
            throw new IllegalStateException(python + " returned " + res.size() + " results for " + expected + " programs");
        }
        return res;
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS); // let it release the files before they are deleted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path f) {
        if (f == null) return;
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a temporary file; the system's cleaning takes it
        }
    }

    @Override
    public String describe() {
        return "cpython " + python;
    }
}
