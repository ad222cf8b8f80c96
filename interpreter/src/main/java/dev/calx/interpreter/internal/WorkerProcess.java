package dev.calx.interpreter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The parent's handle on one worker JVM ({@link WorkerMain}): the same java binary and class
 * path as this process, JSON lines over its stdin and stdout. Not thread-safe: the pool serializes
 * calls per worker. {@link #kill} is the hard limit that always works.
 */
public final class WorkerProcess {
    /**
     * What the worker JVM needs to know.
     *
     * @param classArchiveDir where the class-data-sharing archive is kept, or null for none
     * @param classPath       the worker's class path; null: this JVM's
     */
    public record Spec(List<Path> pythonPath, int memoryMb, int stackMb, boolean preimportSympy, Path graalJitDir,
                       Path classArchiveDir, String classPath) {
        public Spec {
            if (classPath == null) classPath = System.getProperty("java.class.path");
        }

        /** The same without an archive. */
        public Spec(List<Path> pythonPath, int memoryMb, int stackMb, boolean preimportSympy, Path graalJitDir) {
            this(pythonPath, memoryMb, stackMb, preimportSympy, graalJitDir, null, null);
        }
    }

    /** The worker died (crash, out of memory) or answered something unreadable. */
    public static final class WorkerDiedException extends Exception {
        public WorkerDiedException(String message) { super(message); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EOF = "\u0000EOF";
    private static final int STDERR_LINES = 40;

    private final Process process;
    private final BufferedWriter toWorker;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Spec spec;
    private final ClassArchive.Use archive;
    private JsonNode ready;

    private WorkerProcess(Spec spec) throws IOException {
        this.spec = spec;
        this.archive = ClassArchive.forWorker(spec);
        ProcessBuilder pb = new ProcessBuilder(command(spec, archive));
        process = pb.start();
        toWorker = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread out = new Thread(this::pumpStdout, "calx-worker-out-" + process.pid());
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::pumpStderr, "calx-worker-err-" + process.pid());
        err.setDaemon(true);
        err.start();
    }

    /** Starts a worker; call {@link #awaitReady} before using it. */
    public static WorkerProcess start(Spec spec) throws IOException {
        return new WorkerProcess(spec);
    }

    static List<String> command(Spec spec, ClassArchive.Use archive) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The JVM's own log lines go to stderr: on stdout they would break the JSON-lines protocol.
        // CDS's are dropped: every start from the archive reports that the JDK's base archive was
        // made without --enable-native-access, which costs the module-graph shortcut only.
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning,cds*=off,aot*=off:stderr");
        cmd.addAll(archive.jvmFlags());
        cmd.add("-Xmx" + spec.memoryMb() + "m");
        cmd.add("-XX:+UseSerialGC");           // 2 cores shared: no parallel GC threads per worker
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // a JVM after OOM is not trusted: die, get replaced
        cmd.add("-Dcalx.python.stack.mb=" + spec.stackMb());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // Truffle's own runtime, not Python code
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        if (spec.graalJitDir() != null) {
            cmd.add("-XX:+UnlockExperimentalVMOptions");
            cmd.add("-XX:+EnableJVMCI");
            cmd.add("--upgrade-module-path=" + spec.graalJitDir());
        }
        // Experiments only (e.g. -Dpolyglot.engine.Mode=latency): extra worker JVM flags.
        String extra = System.getProperty("calx.worker.jvm.args", "").trim();
        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
        cmd.add("-cp");
        cmd.add(spec.classPath());
        cmd.add(WorkerMain.class.getName());
        cmd.add("--python-path");
        cmd.add(spec.pythonPath().stream().map(Path::toString).collect(Collectors.joining(":")));
        cmd.add("--preimport-sympy");
        cmd.add(Boolean.toString(spec.preimportSympy()));
        return cmd;
    }

    private void pumpStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) lines.add(line);
        } catch (IOException ignored) {
            // the process is gone; EOF below tells the waiting caller
        } finally {
            lines.add(EOF);
        }
    }

    private void pumpStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES) stderrTail.removeFirst();
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    /** Waits for the worker's ready line; returns it ({"ready":true,"sympy":...,"startup_ms":...}). */
    public JsonNode awaitReady(long timeoutMs) throws WorkerDiedException, TimeoutException, InterruptedException {
        if (ready != null) return ready;
        JsonNode r = next(timeoutMs);
        if (!r.path("ready").asBoolean()) {
            kill();
            throw new WorkerDiedException("worker failed to start: " + r.path("fatal").asText(r.toString()) + stderrSummary());
        }
        ready = r;
        return r;
    }

    /** Sends a request and waits for its answer; on timeout the worker is left running (caller kills). */
    public JsonNode call(ObjectNode request, long timeoutMs) throws WorkerDiedException, TimeoutException, InterruptedException {
        try {
            toWorker.write(JSON.writeValueAsString(request));
            toWorker.write('\n');
            toWorker.flush();
        } catch (IOException e) {
            throw died("could not write to the worker: " + e.getMessage());
        }
        return next(timeoutMs);
    }

    private JsonNode next(long timeoutMs) throws WorkerDiedException, TimeoutException, InterruptedException {
        String line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (line == null) throw new TimeoutException("no answer from worker in " + timeoutMs + " ms");
        if (line.equals(EOF)) {
            lines.add(EOF); // stay dead for later callers
            throw died("worker exited");
        }
        if (line.startsWith("{")) {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                // fall through: treated like any stray line
            }
        }
        // Not ours: the JVM itself wrote it (e.g. "Terminating due to java.lang.OutOfMemoryError").
        synchronized (stderrTail) {
            stderrTail.addLast(line);
        }
        throw died("unexpected output from worker: " + line);
    }

    private WorkerDiedException died(String what) {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String code = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        kill();
        return new WorkerDiedException(what + " (" + code + ")" + stderrSummary());
    }

    /** True when the worker's last words mention running out of Java heap. */
    public boolean diedOfMemory() {
        synchronized (stderrTail) {
            return stderrTail.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
        }
    }

    /** The first exception-looking line of the worker's stderr tail and its last line. */
    public String stderrSummary() {
        synchronized (stderrTail) {
            if (stderrTail.isEmpty()) return "";
            String cause = stderrTail.stream()
                    .filter(l -> !l.startsWith("\t") && (l.contains("Exception") || l.contains("Error")))
                    .findFirst().orElse(null);
            String last = stderrTail.peekLast();
            return "; worker stderr: " + (cause == null || cause.equals(last) ? last : cause + " ... " + last);
        }
    }

    public Spec spec() { return spec; }

    public long pid() { return process.pid(); }

    public boolean alive() { return process.isAlive(); }

    /** {@return whether this worker started from a class archive} */
    public boolean fromClassArchive() { return archive.reads(); }

    /**
     * Ends the worker for good. One that is to write the class archive and is ready is asked to
     * exit (its stdin closed), given up to a minute to write it, and the archive renamed into
     * place; any other worker is killed at once.
     */
    public void close() {
        if (archive.writes() && ready != null && process.isAlive()) {
            System.err.println("calx: writing the Python worker's class archive, once (later workers start from it): "
                    + archive.path());
            try {
                toWorker.close();
                if (process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) archive.publish();
            } catch (IOException e) {
                // could not end it politely: killed below, no archive this time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
        archive.discard();
    }

    /** Kills the worker at once (SIGKILL) and waits briefly for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
