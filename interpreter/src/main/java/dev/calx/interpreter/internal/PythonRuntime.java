package dev.calx.interpreter.internal;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One sandboxed GraalPy context with the notebook driver loaded; lives inside a worker process.
 * All calls except {@link #interrupt} must come from the one thread that created it.
 */
public final class PythonRuntime implements AutoCloseable {
    /** What a cell produced, before the parent adds timing. */
    public record Outcome(String output, boolean truncated, String error, String traceback, boolean timedOut) {}

    private final Engine engine;
    private final Context context;
    private final Value runCell;
    private final Value dropSession;
    private final Value recover;
    private final BoundedSink stray = new BoundedSink(1 << 16);
    private final boolean sympy;
    private final long sympyMillis;

    private PythonRuntime(List<Path> pythonPath, int recursionLimit, boolean preimportSympy) throws IOException {
        engine = Engine.newBuilder("python")
                .option("engine.WarnInterpreterOnly", "false")
                .out(stray).err(stray)
                .build();
        String path = pythonPath.stream().map(Path::toString).collect(Collectors.joining(":"));
        FileSystem fs = FileSystem.allowLanguageHomeAccess(new ReadOnlyPathsFileSystem(pythonPath));
        context = Context.newBuilder("python")
                .engine(engine)
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLookup(name -> false)
                .allowHostClassLoading(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowCreateThread(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowInnerContextOptions(false)
                .allowIO(IOAccess.newBuilder().fileSystem(fs).allowHostSocketAccess(false).build())
                .in(InputStream.nullInputStream())
                .out(stray).err(stray)
                .option("python.PythonPath", path)
                .option("python.PosixModuleBackend", "java")
                .option("python.DontWriteBytecodeFlag", "true")
                .option("python.ForceImportSite", "false")
                .build();
        String driverText;
        try (InputStream in = PythonRuntime.class.getResourceAsStream("driver.py")) {
            if (in == null) throw new IOException("driver.py missing from the interpreter jar");
            driverText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Value fns = context.eval(Source.newBuilder("python", driverText, "calx-driver.py").build());
        runCell = fns.getArrayElement(0);
        dropSession = fns.getArrayElement(1);
        recover = fns.getArrayElement(3);
        // unicodedata.lookup is native in GraalPy; Java knows every Unicode character name.
        ProxyExecutable lookup = args -> {
            try {
                return Character.codePointOf(args[0].asString());
            } catch (IllegalArgumentException e) {
                return -1;
            }
        };
        fns.getArrayElement(2).execute(recursionLimit, lookup);
        long t0 = System.nanoTime();
        boolean ok = false;
        if (preimportSympy) {
            try {
                context.eval("python", "import sympy");
                ok = true;
            } catch (PolyglotException e) {
                ok = false; // not installed or not importable: cells will see the error themselves
            }
        }
        sympy = ok;
        sympyMillis = (System.nanoTime() - t0) / 1_000_000;
        stray.drain();
    }

    public static PythonRuntime start(List<Path> pythonPath, int recursionLimit, boolean preimportSympy) throws IOException {
        return new PythonRuntime(pythonPath, recursionLimit, preimportSympy);
    }

    public boolean sympyLoaded() { return sympy; }
    /** "Interpreted" without a JIT, otherwise the Truffle runtime's name. */
    public String engineName() { return engine.getImplementationName(); }
    public long sympyMillis() { return sympyMillis; }

    /** Runs one cell; an interrupt from another thread ends it with timedOut and the partial output. */
    public Outcome run(String session, String code, int limit) {
        Outcome o;
        try {
            Value r = runCell.execute(session, code, limit);
            o = new Outcome(r.getArrayElement(0).asString(), r.getArrayElement(1).asBoolean(),
                    str(r.getArrayElement(2)), str(r.getArrayElement(3)), false);
        } catch (PolyglotException e) {
            if (e.isInterrupted() || e.isCancelled()) {
                Value r = recover.execute(limit);
                o = new Outcome(r.getArrayElement(0).asString(), r.getArrayElement(1).asBoolean(),
                        "TimeoutError: the cell ran past its time limit", null, true);
            } else if (e.isResourceExhausted()) {
                Value r = recover.execute(limit);
                o = new Outcome(r.getArrayElement(0).asString(), r.getArrayElement(1).asBoolean(),
                        "MemoryError: " + e.getMessage(), null, false);
            } else if (e.isInternalError() && isSandboxDenial(e) && healthy()) {
                // A host-side refusal (SecurityException and the like) that the driver did not
                // pre-empt in Python: report it as the PermissionError it is.
                Value r = recover.execute(limit);
                o = new Outcome(r.getArrayElement(0).asString(), r.getArrayElement(1).asBoolean(),
                        "PermissionError: sandbox: " + firstLine(e.getMessage()), null, false);
            } else {
                throw e; // the context itself failed: let the worker die and be replaced
            }
        }
        String extra = stray.drain();
        if (!extra.isEmpty()) {
            String out = o.output() + extra;
            boolean cut = o.truncated();
            if (out.length() > limit) {
                out = out.substring(0, limit) + "\n[... " + (out.length() - limit) + " characters cut ...]\n";
                cut = true;
            }
            o = new Outcome(out, cut, o.error(), o.traceback(), o.timedOut());
        }
        return o;
    }

    private static boolean isSandboxDenial(PolyglotException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SecurityException") || m.contains("is not allowed")
                || m.contains("UnsupportedPosixFeatureException") || m.contains("was excluded");
    }

    private boolean healthy() {
        try {
            return context.eval("python", "1 + 1").asInt() == 2;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "operation refused";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Runs typical cells once, so the first real cell of a fresh worker (a replacement, say) does
     * not pay for cold code paths; a first RecursionError in a cold JVM took over 2 s.
     */
    public void warmUp() {
        String sid = "__calx_warmup__";
        String recurse = "def _f(n):\n    return _f(n + 1)\ntry:\n    _f(0)\nexcept RecursionError:\n    pass\n";
        run(sid, recurse, 100); // the driver's own limit (sys.getrecursionlimit())
        run(sid, "import sys\nsys.setrecursionlimit(10**6)\n" + recurse, 100); // GraalPy's, at the end of the stack
        run(sid, "s = 0\nfor i in range(20000):\n    s += i * i\nprint(s)\n[str(i) for i in range(100)][-1]", 100);
        run(sid, "1 / 0", 100);
        if (sympy) {
            // The first solve/simplify in a fresh context costs a second or more: pay it here.
            run(sid, "from sympy import *\nx, y = symbols('x y')\nsolve(x**2 - 2, x)\nsolve([x + y - 3, x - y - 1], [x, y])\n"
                    + "simplify(sin(x)**2 + cos(x)**2)\nfactor(x**2 - 1)\nexpand((x + 1)**5)\n"
                    + "integrate(x**2, x)\nprint(Rational(1, 3) + 1, sqrt(8), N(pi, 10), latex(x**2 / 2))", 100);
        }
        drop(sid);
    }

    public void drop(String session) {
        dropSession.execute(session);
    }

    /** Called from another thread: stops the running cell if GraalPy reaches a safepoint in time. */
    public boolean interrupt(Duration wait) {
        try {
            context.interrupt(wait);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static String str(Value v) {
        return v.isNull() ? null : v.asString();
    }

    @Override
    public void close() {
        context.close(true);
        engine.close(true);
    }

    /** Collects writes to the context's own streams (os.write(1, ...), sys.__stdout__), capped. */
    static final class BoundedSink extends OutputStream {
        private final int cap;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private long dropped;

        BoundedSink(int cap) { this.cap = cap; }

        @Override public synchronized void write(int b) {
            if (buf.size() < cap) buf.write(b); else dropped++;
        }

        @Override public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, cap - buf.size());
            int n = Math.min(room, len);
            buf.write(b, off, n);
            dropped += len - n;
        }

        synchronized String drain() {
            String s = buf.toString(StandardCharsets.UTF_8);
            if (dropped > 0) s += "\n[... " + dropped + " bytes cut ...]\n";
            buf.reset();
            dropped = 0;
            return s;
        }
    }
}
