package dev.calx.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.interpreter.internal.WorkerProcess;
import dev.calx.interpreter.internal.WorkerProcess.WorkerDiedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs model-written Python in sandboxed GraalPy worker processes: a pool of warm workers (sympy
 * pre-imported), sessions spread over them, a hard wall-clock limit per cell enforced by killing
 * the worker and replacing it from warm spares. Workers start in the background when this is
 * constructed; the first cell waits for its worker.
 *
 * <pre>{@code
 * try (var py = new PythonInterpreter(InterpreterOptions.defaults());
 *      var s = py.newSession()) {
 *     CellResult r = s.run("from sympy import *\nx = symbols('x')\nsolve(x**2 - 4, x)");
 *     r.output(); // "[-2, 2]\n"
 * }
 * }</pre>
 */
public final class PythonInterpreter implements AutoCloseable {
    /** Time a worker gets past the cell limit to answer on its own (soft interrupt) before the kill. */
    static final long GRACE_MS = 600;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final InterpreterOptions options;
    private final WorkerProcess.Spec spec;
    private final ExecutorService starter;
    private final List<Slot> slots = new ArrayList<>();
    private final Deque<CompletableFuture<WorkerProcess>> spares = new ArrayDeque<>();
    private volatile boolean closed;

    /**
     * Starts {@code options.workers()} workers in the background, then {@code
     * options.spareWorkers()} spares once the workers are up, and returns at once; call {@link
     * #awaitWorkers()} or {@link #awaitReady()} to wait for them, or let the first cell wait.
     * The caller owns the interpreter and must {@link #close()} it to kill the worker processes.
     *
     * @param options how cells run and how many workers to keep; not null
     */
    public PythonInterpreter(InterpreterOptions options) {
        checkFitsInMemory(options, physicalMemoryBytes());
        this.options = options;
        this.spec = new WorkerProcess.Spec(options.pythonPath(), options.memoryMb(), options.stackMb(),
                options.preimportSympy(), options.graalJitDir(), options.classArchiveDir(), null);
        this.starter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "calx-worker-starter");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < options.workers(); i++) slots.add(new Slot(i, startWorker()));
        // Spares start once the workers are up (or have failed): started together, they shared
        // the cores with the workers and delayed the first cells. calx eval --limit 3 (one
        // worker, one spare, SymPy imported, 2 cores) waited 41.2 s for Python with both
        // started at once; docs/interpreter.md has the measurements.
        CompletableFuture<Void> workersSettled = CompletableFuture.allOf(
                slots.stream().map(s -> s.worker).toArray(CompletableFuture[]::new)).handle((v, e) -> null);
        synchronized (spares) {
            for (int i = 0; i < options.spareWorkers(); i++) spares.add(workersSettled.thenCompose(v -> startWorker()));
        }
    }

    /**
     * Refuses a pool whose heaps alone could take more than the machine's memory: each worker is
     * a JVM that may grow to {@code memoryMb}. {@code calx eval --python-workers 100000} started
     * JVMs until the kernel killed the parent, and the orphans held the memory for a while.
     *
     * @param options  the pool's size and heap limit
     * @param physical the machine's memory in bytes, or 0 when it is not known (nothing checked)
     * @throws IllegalArgumentException when workers and spares times the heap limit exceed it
     */
    static void checkFitsInMemory(InterpreterOptions options, long physical) {
        long n = (long) options.workers() + options.spareWorkers();
        long need = n * options.memoryMb() * (1L << 20);
        if (physical > 0 && need > physical) {
            throw new IllegalArgumentException(options.workers() + " Python worker(s) and " + options.spareWorkers() + " spare(s) with a "
                    + options.memoryMb() + " MiB heap each could take " + need / (1L << 20) + " MiB, more than this machine's "
                    + physical / (1L << 20) + " MiB of memory: use fewer workers");
        }
    }

    static long physicalMemoryBytes() {
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError unavailable) {
            // a JVM without jdk.management: nothing to check against
        }
        return 0;
    }

    /** {@return the options this interpreter was built with} */
    public InterpreterOptions options() {
        return options;
    }

    /**
     * A fresh namespace on the least busy worker (the one with the fewest open sessions). Cheap:
     * no process or context is created. Thread-safe.
     *
     * @return a new session; the caller closes it when the problem is done
     * @throws IllegalStateException when this interpreter is closed
     */
    public PythonSession newSession() {
        if (closed) throw new IllegalStateException("interpreter is closed");
        Slot best;
        synchronized (slots) {
            best = slots.getFirst();
            for (Slot s : slots) if (s.sessions < best.sessions) best = s;
            best.sessions++;
        }
        return new Session("s" + SESSION_IDS.incrementAndGet(), best);
    }

    /**
     * Waits until every worker is ready (each up to the startup timeout, with retries), not the
     * spares, which start after the workers: what the first cells need.
     *
     * @return whether sympy was pre-imported in every worker (false when it was not asked for or
     *         is not importable)
     * @throws IllegalStateException when a worker could not be started
     */
    public boolean awaitWorkers() {
        boolean sympy = true;
        for (Slot s : slots) sympy &= s.ready().path("sympy").asBoolean();
        return sympy;
    }

    /**
     * Waits until every worker and spare is ready (each worker up to the startup timeout, with
     * retries). A spare that fails to start is ignored here and replaced when it is needed.
     *
     * @return whether sympy was pre-imported in every worker (false when it was not asked for or
     *         is not importable)
     * @throws IllegalStateException when a worker could not be started
     */
    public boolean awaitReady() {
        boolean sympy = awaitWorkers();
        List<CompletableFuture<WorkerProcess>> copy;
        synchronized (spares) {
            copy = new ArrayList<>(spares);
        }
        for (CompletableFuture<WorkerProcess> f : copy) {
            try {
                f.get();
            } catch (InterruptedException | ExecutionException e) {
                // a spare that failed is replaced when it is needed
            }
        }
        return sympy;
    }

    private CompletableFuture<WorkerProcess> startWorker() {
        return CompletableFuture.supplyAsync(() -> {
            WorkerProcess w;
            try {
                w = WorkerProcess.start(spec);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a Python worker JVM", e);
            }
            try {
                w.awaitReady(options.startupTimeout().toMillis());
                return w;
            } catch (WorkerDiedException | TimeoutException e) {
                w.kill();
                throw new IllegalStateException("Python worker did not start: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                w.kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting a Python worker", e);
            }
        }, starter);
    }

    /**
     * A warm spare if one is ready or starting, else a new worker; a new spare starts behind it.
     * Once the interpreter is closed, a failed future: the spares stay queued for {@link #close()}
     * to kill (taking one first would drop it unkilled).
     */
    private CompletableFuture<WorkerProcess> replacement() {
        synchronized (spares) {
            if (closed) return CompletableFuture.failedFuture(new IllegalStateException("interpreter is closed"));
            CompletableFuture<WorkerProcess> next = spares.pollFirst();
            if (options.spareWorkers() > 0) spares.addLast(startWorker());
            return next != null ? next : startWorker();
        }
    }

    /**
     * Kills every worker and spare process, except that a worker which is to write the class
     * archive ({@link InterpreterOptions#classArchiveDir()}) is let exit and write it first (once
     * per archive: about 6 s here). Open sessions are not closed but fail on their next cell;
     * {@link #newSession()} throws from now on.
     */
    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) s.shutdown();
        synchronized (spares) {
            for (CompletableFuture<WorkerProcess> f : spares) f.thenAccept(WorkerProcess::kill);
            spares.clear();
        }
        starter.shutdownNow();
    }

    /** One worker position in the pool; its process changes when it is killed or dies. */
    private final class Slot {
        final int index;
        final ReentrantLock lock = new ReentrantLock(true);
        /** Volatile: {@link #close()} reads it without the lock (see {@link #replace()}). */
        volatile CompletableFuture<WorkerProcess> worker;
        long generation;
        int sessions;

        Slot(int index, CompletableFuture<WorkerProcess> worker) {
            this.index = index;
            this.worker = worker;
        }

        JsonNode ready() {
            lock.lock();
            try {
                WorkerProcess w = current();
                return w.awaitReady(options.startupTimeout().toMillis());
            } catch (Exception e) {
                throw new IllegalStateException("Python worker " + index + " is not available: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        }

        /** The live worker, replacing a dead or failed one. Call with the lock held. */
        WorkerProcess current() throws InterruptedException {
            for (int attempt = 0; ; attempt++) {
                try {
                    WorkerProcess w = worker.get(options.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    if (w.alive()) return w;
                } catch (ExecutionException | TimeoutException e) {
                    if (attempt >= 2) {
                        String why = e instanceof TimeoutException
                                ? "not ready within the startup timeout of " + options.startupTimeout().toSeconds()
                                  + " s, 3 attempts (a loaded machine starts GraalPy slowly; raise InterpreterOptions.startupTimeout)"
                                : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                        throw new IllegalStateException("Python worker " + index + " failed to start: " + why, e);
                    }
                }
                replace();
            }
        }

        /**
         * Kills the current worker (if any) and takes a replacement; the sessions here lose state.
         * When {@link #close()} ran meanwhile (it may have read the old worker), the replacement
         * is killed here: close() writes {@code closed} before it reads {@code worker}, this
         * writes {@code worker} before it reads {@code closed}, so one of the two kills it.
         */
        void replace() {
            worker.thenAccept(WorkerProcess::kill);
            CompletableFuture<WorkerProcess> next = replacement();
            worker = next;
            generation++;
            if (closed) next.thenAccept(WorkerProcess::kill);
        }

        void shutdown() {
            // An idle worker is closed, not killed, so that the one which writes the class
            // archive exits and writes it; a worker still in a cell (its lock held) is killed.
            if (worker.isDone() && !worker.isCompletedExceptionally() && !worker.isCancelled() && lock.tryLock()) {
                try {
                    worker.join().close();
                } finally {
                    lock.unlock();
                }
            } else {
                worker.thenAccept(WorkerProcess::kill);
            }
            worker.cancel(true);
        }
    }

    private final class Session implements PythonSession {
        private final String id;
        private final Slot slot;
        private long generation = -1; // slot generation the namespace lives in; -1 before the first cell
        private boolean closed;

        Session(String id, Slot slot) {
            this.id = id;
            this.slot = slot;
        }

        @Override public String id() { return id; }

        @Override
        public CellResult run(String code) {
            long timeoutMs = options.timeout().toMillis();
            slot.lock.lock();
            try {
                if (closed) throw new IllegalStateException("session " + id + " is closed");
                WorkerProcess w = slot.current();
                boolean lost = generation >= 0 && generation != slot.generation;
                generation = slot.generation;
                ObjectNode req = JSON.createObjectNode()
                        .put("op", "run").put("sid", id).put("code", code)
                        .put("limit", options.maxOutput()).put("timeout_ms", timeoutMs);
                long t0 = System.nanoTime();
                try {
                    JsonNode r = w.call(req, timeoutMs + GRACE_MS);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    boolean timedOut = r.path("timed_out").asBoolean();
                    String error = timedOut ? timeoutMessage() : textOrNull(r.get("error"));
                    return new CellResult(r.path("output").asText(""), error, textOrNull(r.get("traceback")),
                            timedOut, r.path("truncated").asBoolean(), ms, lost);
                } catch (TimeoutException e) {
                    // A long builtin call (10**(10**8)) ignores the soft interrupt: kill the worker.
                    slot.replace();
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    return new CellResult("", timeoutMessage() + "; the worker was restarted and this session's state is lost",
                            null, true, false, ms, lost);
                } catch (WorkerDiedException e) {
                    slot.replace();
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    String error = w.diedOfMemory()
                            ? "MemoryError: the cell exceeded the worker's memory limit (" + options.memoryMb()
                              + " MB); the worker was restarted and this session's state is lost"
                            : "RuntimeError: the Python worker died (" + e.getMessage()
                              + "); it was restarted and this session's state is lost";
                    return new CellResult("", error, null, false, false, ms, lost);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running a cell", e);
            } finally {
                slot.lock.unlock();
            }
        }

        private String timeoutMessage() {
            return "TimeoutError: the cell exceeded the time limit of " + options.timeout().toMillis() / 1000.0 + " s";
        }

        @Override
        public void close() {
            slot.lock.lock();
            try {
                if (closed) return;
                closed = true;
                synchronized (slots) {
                    slot.sessions--;
                }
                if (generation == slot.generation && !PythonInterpreter.this.closed) {
                    try {
                        WorkerProcess w = slot.worker.getNow(null);
                        if (w != null && w.alive()) {
                            w.call(JSON.createObjectNode().put("op", "drop").put("sid", id), 5_000);
                        }
                    } catch (Exception e) {
                        // the namespace dies with its worker anyway
                    }
                }
            } finally {
                slot.lock.unlock();
            }
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
