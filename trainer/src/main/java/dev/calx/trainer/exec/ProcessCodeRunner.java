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
 * captured, and the printed text or the exception comes back per program. For trusted,
 * generated code only (data synthesis): it is not a sandbox.
 */
public final class ProcessCodeRunner implements CodeRunner {
    private static final String DRIVER = """
            import sys, json, io, contextlib, traceback
            progs = json.load(sys.stdin)
            res = []
            for p in progs:
                buf = io.StringIO()
                err = None
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(compile(p, "<program>", "exec"), {"__name__": "__main__"})
                except BaseException as e:
                    err = type(e).__name__ + ": " + str(e)
                res.append({"stdout": buf.getvalue(), "error": err})
            sys.stdout.write(json.dumps(res))
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String python;
    private final long timeoutSecondsPerProgram;

    /**
     * A runner over an external interpreter; a process is started per {@link #runAll} call.
     *
     * @param python                   the interpreter's path or command name
     * @param timeoutSecondsPerProgram seconds allowed per program: a batch of n programs gets
     *                                 {@code 10 + n * timeoutSecondsPerProgram} seconds once the
     *                                 programs are sent, after which the process is killed (a
     *                                 program that never ends fails its whole batch)
     */
    public ProcessCodeRunner(String python, long timeoutSecondsPerProgram) {
        this.python = python;
        this.timeoutSecondsPerProgram = timeoutSecondsPerProgram;
    }

    @Override
    public Result run(String code) {
        return runAll(List.of(code)).getFirst();
    }

    /**
     * {@inheritDoc} All of them go to one process, killed (with any processes it started) when
     * the batch's time runs out. Its stdout and stderr go to temporary files, deleted before
     * this returns or throws.
     *
     * @throws java.io.UncheckedIOException when the process cannot be started or talked to
     * @throws IllegalStateException when the process exits non-zero, is still running when the
     *                               batch's time runs out, or returns a wrong number of results
     */
    @Override
    public List<Result> runAll(List<String> programs) {
        if (programs.isEmpty()) return List.of();
        Path outFile = null, errFile = null;
        Process p = null;
        try {
            // both streams to files, never pipes: nothing has to be read before waitFor (which alone
            // bounds the time), and an undrained pipe cannot fill up and block the child
            outFile = Files.createTempFile("calx-python", ".out");
            errFile = Files.createTempFile("calx-python", ".err");
            p = new ProcessBuilder(python, "-c", DRIVER).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            long limit = 10 + timeoutSecondsPerProgram * programs.size();
            try (var stdin = p.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(programs));
            }
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                throw new IllegalStateException(python + " did not finish " + programs.size() + " program(s) within " + limit
                        + " s (10 s + " + timeoutSecondsPerProgram + " s per program); the process was killed");
            }
            byte[] out = Files.readAllBytes(outFile);
            String err = Files.readString(errFile, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(python + " exited with " + p.exitValue() + ": " + err.strip());
            }
            JsonNode arr = JSON.readTree(out);
            List<Result> res = new ArrayList<>(programs.size());
            for (JsonNode n : arr) {
                res.add(new Result(n.get("stdout").asText(), n.get("error").isNull() ? null : n.get("error").asText()));
            }
            if (res.size() != programs.size()) {
                throw new IllegalStateException(python + " returned " + res.size() + " results for " + programs.size() + " programs");
            }
            return res;
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
