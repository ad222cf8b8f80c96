package dev.calx.interpreter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link PythonInterpreter} runs cells. Immutable; change with the {@code with...} methods.
 *
 * @param timeout        wall-clock limit per cell (hard: the worker is killed past it)
 * @param maxOutput      characters of output kept per cell (head and tail of longer output)
 * @param pythonPath     directories Python may import from, read-only; nothing else is visible
 * @param workers        worker processes serving sessions (each session lives on one)
 * @param spareWorkers   started workers kept warm to replace a killed one without waiting
 * @param memoryMb       Java heap of each worker (-Xmx); past it the worker dies and is replaced
 * @param stackMb        stack of the Python thread: the hard bound on recursion (GraalPy raises
 *                       RecursionError when it is full; 32 MB: about 7700 frames of a small
 *                       function). The cell's own functions stop earlier, at sys.getrecursionlimit()
 *                       (1000 unless the cell sets it), which the driver enforces
 * @param preimportSympy import sympy when a worker starts, so sessions find it warm
 * @param graalJitDir    directory with the Graal compiler jars (JIT for the worker JVM), or null
 *                       for interpreter-only mode
 * @param startupTimeout how long to wait for a worker to become ready
 * @param classArchiveDir directory for the worker JVM's class-data-sharing archive, or null for
 *                       none: with it, the first worker writes an archive of the classes it
 *                       loaded when it is closed, and later workers start from it (4.2-5.2 s
 *                       instead of 6.8-7.5 s to the first cell of a {@code calx solve} here)
 */
public record InterpreterOptions(Duration timeout, int maxOutput, List<Path> pythonPath, int workers,
                                 int spareWorkers, int memoryMb, int stackMb, boolean preimportSympy,
                                 Path graalJitDir, Duration startupTimeout, Path classArchiveDir) {

    /**
     * The default {@link #stackMb()}: 32 MiB, about 7700 frames of a small function. A worker
     * started without a stack setting uses it too.
     */
    public static final int DEFAULT_STACK_MB = 32;

    /** Where Debian and similar systems put pure-Python packages such as python3-sympy. */
    static final List<Path> SYSTEM_PACKAGE_DIRS = List.of(
            Path.of("/usr/lib/python3/dist-packages"),
            Path.of("/usr/local/lib/python3/dist-packages"));

    /**
     * Validates the options and copies the python path.
     *
     * @param timeout        wall-clock limit per cell, positive; not null
     * @param maxOutput      characters of output kept per cell, at least 16
     * @param pythonPath     read-only import directories; not null; no entry may contain ':'
     * @param workers        worker processes, at least 1
     * @param spareWorkers   warm spare processes, at least 0
     * @param memoryMb       Java heap per worker in MiB, at least 128
     * @param stackMb        stack of the Python thread in MiB, at least 1
     * @param preimportSympy import sympy when a worker starts
     * @param graalJitDir    directory with the Graal compiler jars, or null for interpreter-only
     * @param startupTimeout how long to wait for a worker to become ready; not null
     * @param classArchiveDir directory for the workers' class-data-sharing archive (created when
     *                       needed), or null for none
     * @throws IllegalArgumentException when a number is out of range or a path entry holds ':'
     * @throws NullPointerException     when {@code timeout}, {@code startupTimeout} or
     *                                  {@code pythonPath} is null
     */
    public InterpreterOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        if (maxOutput < 16) throw new IllegalArgumentException("maxOutput must be at least 16 characters, got " + maxOutput);
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        if (spareWorkers < 0) throw new IllegalArgumentException("spareWorkers must be >= 0, got " + spareWorkers);
        if (memoryMb < 128) throw new IllegalArgumentException("memoryMb must be at least 128, got " + memoryMb);
        if (stackMb < 1) throw new IllegalArgumentException("stackMb must be at least 1, got " + stackMb);
        pythonPath = List.copyOf(pythonPath);
        for (Path p : pythonPath) {
            if (p.toString().contains(":")) throw new IllegalArgumentException("python path entry contains ':': " + p);
        }
    }

    /**
     * 10 s, 4000 characters, sympy's directory if installed, 1 worker + 1 spare, 1 GiB heap, 32 MB
     * Python stack, sympy pre-imported, interpreter-only (JIT when {@code -Dcalx.graal.jit.dir} says),
     * 180 s to start a worker, the class archive in {@link #defaultClassArchiveDir()}.
     *
     * @return the default options
     * @throws IllegalStateException when {@code calx.graal.jit.dir} names a directory without
     *         Graal compiler jars
     */
    public static InterpreterOptions defaults() {
        return new InterpreterOptions(Duration.ofSeconds(10), 4000, detectPythonPath(), 1, 1, 1024, DEFAULT_STACK_MB,
                true, GraalJit.fromSystemProperty(), Duration.ofSeconds(180), defaultClassArchiveDir());
    }

    /**
     * Where the workers' class archive goes by default: {@code python-worker} in
     * {@link #calxCacheDir()}; none when {@code -Dcalx.python.class.archive=false}.
     *
     * @return that directory (not created here), or null
     */
    public static Path defaultClassArchiveDir() {
        if ("false".equals(System.getProperty("calx.python.class.archive"))) return null;
        return calxCacheDir().resolve("python-worker");
    }

    /**
     * Calx's cache directory, shared by everything Calx keeps between runs (this class archive,
     * the solver's unpacked default model): {@code $CALX_CACHE_DIR}, else {@code -Dcalx.cache.dir},
     * else {@code ~/.cache/calx}. It lives here because the interpreter is the one module every
     * user of it depends on.
     *
     * @return that directory (not created here)
     */
    public static Path calxCacheDir() {
        String env = System.getenv("CALX_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty("calx.cache.dir");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of(System.getProperty("user.home"), ".cache", "calx");
    }

    /**
     * Turns the Graal JIT on with the jars the build copied to interpreter/target/graal-jit.
     *
     * @return a copy with {@link #graalJitDir()} set to that directory
     * @throws IllegalStateException when there is no such directory with {@code compiler-*.jar}
     *         beside the interpreter's classes or jar
     */
    public InterpreterOptions withGraalJitFromBuild() {
        Path dir = GraalJit.besideCode();
        if (dir == null) throw new IllegalStateException("no graal-jit directory with compiler-*.jar beside "
                + GraalJit.class.getProtectionDomain().getCodeSource().getLocation());
        return withGraalJitDir(dir);
    }

    /**
     * The first system package directory that holds sympy ({@code /usr/lib/python3/dist-packages},
     * then {@code /usr/local/lib/python3/dist-packages}).
     *
     * @return that directory as a one-element list, or an empty list when sympy is not installed
     */
    public static List<Path> detectPythonPath() {
        for (Path dir : SYSTEM_PACKAGE_DIRS) {
            if (Files.isRegularFile(dir.resolve("sympy").resolve("__init__.py"))) return List.of(dir);
        }
        return List.of();
    }

    /**
     * Changes the per-cell time limit.
     *
     * @param t wall-clock limit per cell, positive
     * @return a copy with this cell timeout
     */
    public InterpreterOptions withTimeout(Duration t) {
        return new InterpreterOptions(t, maxOutput, pythonPath, workers, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes how much output a cell keeps.
     *
     * @param n characters of output kept per cell, at least 16
     * @return a copy with this output limit
     */
    public InterpreterOptions withMaxOutput(int n) {
        return new InterpreterOptions(timeout, n, pythonPath, workers, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Replaces the python path (the detected directories included).
     *
     * @param p the only directories Python may import from, read-only
     * @return a copy with this python path
     */
    public InterpreterOptions withPythonPath(List<Path> p) {
        return new InterpreterOptions(timeout, maxOutput, p, workers, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Adds directories after the current ones, skipping any already present.
     *
     * @param extra directories to append to the python path
     * @return a copy with the longer python path
     */
    public InterpreterOptions withExtraPythonPath(List<Path> extra) {
        List<Path> all = new ArrayList<>(pythonPath);
        for (Path p : extra) if (!all.contains(p)) all.add(p);
        return withPythonPath(all);
    }

    /**
     * Changes the number of workers.
     *
     * @param n worker processes, at least 1
     * @return a copy with this many workers
     */
    public InterpreterOptions withWorkers(int n) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, n, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes the number of warm spares.
     *
     * @param n warm spare processes, at least 0 (0: a killed worker is replaced by a cold start)
     * @return a copy with this many spares
     */
    public InterpreterOptions withSpareWorkers(int n) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, n, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes the heap of each worker JVM.
     *
     * @param mb Java heap of each worker in MiB, at least 128
     * @return a copy with this worker heap
     */
    public InterpreterOptions withMemoryMb(int mb) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, mb, stackMb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes the Python thread's stack, the hard bound on recursion depth.
     *
     * @param mb stack of the Python thread in MiB, at least 1
     * @return a copy with this stack size
     */
    public InterpreterOptions withStackMb(int mb) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, memoryMb, mb, preimportSympy, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes whether sympy is imported when a worker starts.
     *
     * @param b whether workers import sympy when they start
     * @return a copy with this setting
     */
    public InterpreterOptions withPreimportSympy(boolean b) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, memoryMb, stackMb, b, graalJitDir, startupTimeout, classArchiveDir);
    }

    /**
     * Turns the Graal JIT on with the jars in a directory, or off.
     *
     * @param dir directory with the Graal compiler jars; null: interpreter-only
     * @return a copy with this JIT setting
     */
    public InterpreterOptions withGraalJitDir(Path dir) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, memoryMb, stackMb, preimportSympy, dir, startupTimeout, classArchiveDir);
    }

    /**
     * Changes how long a worker may take to start.
     *
     * @param d how long to wait for a worker to become ready (raise it on a loaded machine)
     * @return a copy with this startup timeout
     */
    public InterpreterOptions withStartupTimeout(Duration d) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, d, classArchiveDir);
    }

    /**
     * Changes where the workers' class-data-sharing archive is kept, or turns it off.
     *
     * @param dir a directory (created when the first archive is written); null: no archive
     * @return a copy with this setting
     */
    public InterpreterOptions withClassArchiveDir(Path dir) {
        return new InterpreterOptions(timeout, maxOutput, pythonPath, workers, spareWorkers, memoryMb, stackMb, preimportSympy, graalJitDir, startupTimeout, dir);
    }
}
