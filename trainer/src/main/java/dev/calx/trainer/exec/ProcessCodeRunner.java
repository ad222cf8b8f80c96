package dev.calx.trainer.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
     *                                 {@code 10 + n * timeoutSecondsPerProgram} seconds, counted
     *                                 only once the process has closed its stdout (so a program
     *                                 that never ends blocks the call)
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
     * {@inheritDoc} All of them go to one process.
     *
     * @throws java.io.UncheckedIOException when the process cannot be started or talked to
     * @throws IllegalStateException when the process exits non-zero, is still running past the
     *                               batch's time after closing its stdout, or returns a wrong
     *                               number of results
     */
    @Override
    public List<Result> runAll(List<String> programs) {
        if (programs.isEmpty()) return List.of();
        try {
            // stderr to a file: a pipe nobody drains while stdout is read could fill and block the child
            java.nio.file.Path errFile = java.nio.file.Files.createTempFile("calx-python", ".err");
            Process p = new ProcessBuilder(python, "-c", DRIVER).redirectError(errFile.toFile()).start();
            p.getOutputStream().write(JSON.writeValueAsBytes(programs));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10 + timeoutSecondsPerProgram * programs.size(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(python + " did not finish a batch of " + programs.size() + " programs in time");
            }
            String err = java.nio.file.Files.readString(errFile, StandardCharsets.UTF_8);
            java.nio.file.Files.deleteIfExists(errFile);
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
        }
    }

    @Override
    public String describe() {
        return "cpython " + python;
    }
}
