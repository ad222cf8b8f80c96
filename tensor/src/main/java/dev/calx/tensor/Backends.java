package dev.calx.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Backend selection. {@code -Dcalx.backend=auto|cpu|cuda} (default auto): auto chooses CUDA
 * when its probe succeeds, else the CPU; cuda when the probe fails is an error naming the
 * missing piece. The choice and its reason are available from {@link #report()}; an auto choice
 * is also announced once per process on stderr (one line, {@code -Dcalx.quiet=true} silences it).
 *
 * <p>The CUDA backend is looked up by class name so that the tensor engine has no hard
 * dependency on it being loadable.
 */
public final class Backends {
    private static volatile Backend selected;
    private static volatile String reason;
    private static boolean announced;
    private static final CpuBackend CPU = new CpuBackend();

    private Backends() {}

    /**
     * The CPU backend (always available).
     *
     * @return the process-wide CPU backend (SIMD per {@code -Dcalx.simd}); never closed
     */
    public static CpuBackend cpu() {
        return CPU;
    }

    /**
     * The selected backend (selection runs once, lazily).
     * The first call selects from {@code -Dcalx.backend} unless {@link #select} ran before.
     * Thread-safe.
     *
     * @return the backend every op should use; shared, so callers must not close it
     * @throws BackendUnavailableException if nothing is selected yet and {@code -Dcalx.backend}
     *                                     names an unknown backend, or cuda when it cannot run here
     */
    public static Backend get() {
        Backend b = selected;
        if (b == null) {
            synchronized (Backends.class) {
                if (selected == null) select(System.getProperty("calx.backend", "auto"));
                b = selected;
            }
        }
        return b;
    }

    /**
     * Explicit selection (the command line's --backend). Throws BackendUnavailableException for an impossible choice.
     * Replaces any earlier selection for the whole process; the CUDA probe runs at most once.
     *
     * @param choice "auto", "cpu" or "cuda" (case and surrounding blanks ignored); null means "auto"
     * @return the backend now selected
     * @throws BackendUnavailableException if choice is unknown, or is "cuda" and the CUDA probe
     *                                     failed (the message says why)
     */
    public static synchronized Backend select(String choice) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase();
        switch (c) {
            case "cpu" -> {
                selected = CPU;
                reason = "cpu requested";
            }
            case "cuda" -> {
                Probe p = probeCuda();
                if (p.backend == null) {
                    throw new BackendUnavailableException("--backend cuda: CUDA is not available: " + p.reason);
                }
                selected = p.backend;
                reason = "cuda requested";
            }
            case "auto" -> {
                Probe p = probeCuda();
                if (p.backend != null) {
                    selected = p.backend;
                    reason = "auto: CUDA probe succeeded";
                } else {
                    selected = CPU;
                    reason = "auto: cuda not available (" + p.reason + ")";
                }
                if (!announced && !Boolean.getBoolean("calx.quiet")) {
                    announced = true;
                    System.err.println("calx: backend " + selected.name() + " (" + reason + ")");
                }
            }
            default -> throw new BackendUnavailableException("unknown backend '" + choice + "': use auto, cpu or cuda");
        }
        return selected;
    }

    /**
     * Lines describing every backend and which one was chosen and why.
     * Selects a backend first if none is selected yet (see {@link #get()}).
     *
     * @return a new list of three lines: the CPU, CUDA (or why it is unavailable), and the selection
     */
    public static List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add(CPU.describe() + " " + SimdInfo.describe());
        Probe p = probeCuda();
        lines.add(p.backend != null ? p.backend.describe() : "cuda: not available (" + p.reason + ")");
        Backend b = get();
        lines.add("selected: " + b.name() + " (" + reason + ")");
        return lines;
    }

    record Probe(Backend backend, String reason) {}

    private static volatile Probe cudaProbe;

    /** Probes CUDA once; never throws. */
    static Probe probeCuda() {
        Probe p = cudaProbe;
        if (p != null) return p;
        synchronized (Backends.class) {
            if (cudaProbe != null) return cudaProbe;
            try {
                Class<?> c = Class.forName("dev.calx.tensor.cuda.CudaBackend");
                Object r = c.getMethod("probe").invoke(null);
                if (r instanceof Backend b) cudaProbe = new Probe(b, "ok");
                else cudaProbe = new Probe(null, String.valueOf(r));
            } catch (ClassNotFoundException e) {
                cudaProbe = new Probe(null, "the CUDA backend is not built into this jar");
            } catch (java.lang.reflect.InvocationTargetException e) {
                cudaProbe = new Probe(null, String.valueOf(e.getCause()));
            } catch (Throwable t) {
                cudaProbe = new Probe(null, t.toString());
            }
            return cudaProbe;
        }
    }
}
