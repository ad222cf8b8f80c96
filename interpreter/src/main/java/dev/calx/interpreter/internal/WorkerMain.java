package dev.calx.interpreter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.interpreter.InterpreterOptions;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Entry point of a worker process: one GraalPy runtime, driven by JSON lines on stdin, one JSON
 * line per request on stdout. The parent kills this process when a cell outlives its hard limit;
 * here we only try the soft way first ({@code Context.interrupt}), which keeps the sessions alive.
 *
 * <p>Arguments: {@code --python-path P1:P2 --recursion-limit N --preimport-sympy true|false}.
 * Requests: {@code {"op":"run","sid","code","limit","timeout_ms"}}, {@code {"op":"drop","sid"}},
 * {@code {"op":"ping"}}. The first line written is {@code {"ready":true,...}} or {@code {"fatal":...}}.
 */
public final class WorkerMain {
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Python frames are deep Java frames in interpreter mode; give the Python thread room: the
     * parent passes {@code -Dcalx.python.stack.mb} ({@link InterpreterOptions#stackMb()}).
     */
    private static final long PYTHON_STACK_BYTES = pythonStackBytes(System.getProperty("calx.python.stack.mb"));

    /**
     * The Python thread's stack in bytes.
     *
     * @param mb the {@code calx.python.stack.mb} property, or null when it is missing (then
     *           {@link InterpreterOptions#DEFAULT_STACK_MB}, the parent's default)
     */
    static long pythonStackBytes(String mb) {
        return (mb == null ? InterpreterOptions.DEFAULT_STACK_MB : Long.parseLong(mb.strip())) << 20;
    }

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        // If the parent dies (even by SIGKILL), so do we: a worker busy in 10**(10**8) never
        // reads its closed stdin, and orphans would eat the shared cores.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(5)));
        PrintStream proto = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but protocol lines may reach the parent's reader
        List<Path> pythonPath = new ArrayList<>();
        int recursionLimit = 1000;
        boolean preimport = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--python-path" -> {
                    for (String p : args[i + 1].split(":")) if (!p.isBlank()) pythonPath.add(Path.of(p));
                }
                case "--recursion-limit" -> recursionLimit = Integer.parseInt(args[i + 1]);
                case "--preimport-sympy" -> preimport = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("worker: unknown argument " + args[i]);
            }
        }
        ExecutorService py = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "calx-python", PYTHON_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        final int limitRec = recursionLimit;
        final boolean pre = preimport;
        PythonRuntime rt;
        try {
            rt = py.submit(() -> PythonRuntime.start(pythonPath, limitRec, pre)).get();
        } catch (ExecutionException e) {
            ObjectNode fatal = JSON.createObjectNode().put("fatal", String.valueOf(e.getCause()));
            proto.println(JSON.writeValueAsString(fatal));
            e.getCause().printStackTrace();
            Runtime.getRuntime().halt(3);
            return;
        }
        long warm = System.nanoTime();
        py.submit(() -> rt.warmUp()).get();
        ObjectNode ready = JSON.createObjectNode()
                .put("warmup_ms", (System.nanoTime() - warm) / 1_000_000)
                .put("ready", true)
                .put("sympy", rt.sympyLoaded())
                .put("sympy_ms", rt.sympyMillis())
                .put("startup_ms", (System.nanoTime() - t0) / 1_000_000)
                .put("engine", rt.engineName());
        proto.println(JSON.writeValueAsString(ready));

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode req = JSON.readTree(line);
            String op = req.path("op").asText();
            ObjectNode resp = JSON.createObjectNode();
            switch (op) {
                case "run" -> resp = run(py, rt, req);
                case "drop" -> {
                    String sid = req.path("sid").asText();
                    py.submit(() -> rt.drop(sid)).get();
                    resp.put("ok", true);
                }
                case "ping" -> resp.put("ok", true);
                default -> resp.put("fatal", "unknown op " + op);
            }
            proto.println(JSON.writeValueAsString(resp));
        }
        Runtime.getRuntime().halt(0); // stdin closed: the parent is gone or done with us
    }

    private static ObjectNode run(ExecutorService py, PythonRuntime rt, JsonNode req) throws Exception {
        String sid = req.path("sid").asText();
        String code = req.path("code").asText();
        int limit = req.path("limit").asInt(4000);
        long timeoutMs = req.path("timeout_ms").asLong(10_000);
        long t0 = System.nanoTime();
        Future<PythonRuntime.Outcome> f = py.submit(() -> rt.run(sid, code, limit));
        PythonRuntime.Outcome o;
        try {
            o = f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Soft stop; a long builtin call ignores it and the parent's hard kill takes over.
            rt.interrupt(Duration.ofSeconds(5));
            o = getOrDie(f);
        } catch (ExecutionException e) {
            o = die(e.getCause());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ObjectNode resp = JSON.createObjectNode();
        resp.put("output", wellFormed(o.output()));
        resp.put("truncated", o.truncated());
        resp.put("error", wellFormed(o.error()));
        resp.put("traceback", wellFormed(o.traceback()));
        resp.put("timed_out", o.timedOut());
        resp.put("ms", ms);
        return resp;
    }

    /** Python strings may hold lone surrogates ('\ud800'); UTF-8 JSON cannot: use U+FFFD. */
    static String wellFormed(String s) {
        if (s == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone && b == null) b = new StringBuilder(s.substring(0, i));
            if (b != null) b.append(lone ? '\uFFFD' : c);
        }
        return b == null ? s : b.toString();
    }

    private static PythonRuntime.Outcome getOrDie(Future<PythonRuntime.Outcome> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return die(e.getCause());
        }
    }

    /** The context failed in a way we cannot vouch for (e.g. it exited): end this worker. */
    private static PythonRuntime.Outcome die(Throwable t) {
        System.err.println("calx worker: context failed: " + t);
        t.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(4);
        throw new AssertionError("unreachable");
    }
}
