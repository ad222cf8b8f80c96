package dev.calx.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * numpy's 8192x8192 sgemv as a child process ({@code benchmarks/decode_numpy_gemv.py --serve}),
 * read one slice at a time, for the checks that take turns with it ({@link DecodeBoundCheck},
 * {@link StreamCheck}). The child inherits the environment, so {@code OPENBLAS_NUM_THREADS}
 * sets its threads.
 */
final class NumpyServe implements AutoCloseable {
    private static final Path SCRIPT = Path.of("benchmarks/decode_numpy_gemv.py");

    private final Process process;
    private final PrintWriter to;
    private final BufferedReader from;

    private NumpyServe(Process process) {
        this.process = process;
        this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Checks that the script is there (the checks run from the repository root); who names the caller in the error. */
    static void requireScript(String who) {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new IllegalStateException(who + ": run from the repository root (" + SCRIPT + " not found)");
        }
    }

    /** Starts the server with slices of {@code seconds} and waits until it is ready. */
    static NumpyServe start(String python, double seconds) throws IOException {
        requireScript("NumpyServe");
        Process p = new ProcessBuilder(python, SCRIPT.toString(), "--serve", Double.toString(seconds))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        NumpyServe s = new NumpyServe(p);
        try {
            String ready = s.from.readLine();
            if (ready == null) throw new IOException(python + " " + SCRIPT + " --serve ended before it was ready (its message is above; is numpy installed, with OpenBLAS?)");
            if (!"ready".equals(ready)) throw new IOException(SCRIPT + " --serve said " + ready + ", not ready");
        } catch (IOException | RuntimeException e) {
            p.destroy();
            throw e;
        }
        return s;
    }

    /** One slice of numpy: its GB/s. */
    double read() throws IOException {
        to.println("go");
        String line = from.readLine();
        if (line == null) throw new IOException(SCRIPT + " --serve ended");
        try {
            return Double.parseDouble(line.trim());
        } catch (NumberFormatException e) {
            throw new IOException(SCRIPT + " --serve answered '" + line + "', not a GB/s figure");
        }
    }

    /** Whether a slice between numpy readings before and after counts (they differ by at most 10%). */
    static boolean steady(double before, double after) {
        return Math.abs(before - after) <= 0.1 * Math.max(before, after);
    }

    /** The median of a sorted, non-empty array. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public void close() {
        to.println("stop");
        process.destroy();
    }
}
