package dev.calx.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held by the autograd graph: op outputs and scratch saved for backward (held until the
 * op's backward has run) and intermediate gradients (held while backward needs them).
 * Parameter gradients are persistent and counted apart. {@link #peakBytes()} after a training
 * step is that step's activation peak; call {@link #resetPeak()} before the step.
 *
 * <p>This is logical accounting of what the graph keeps reachable, not a measure of the Java
 * heap (the collector frees released buffers later). The counters are global to the process
 * (all threads and graphs together) and thread-safe.
 */
public final class MemoryMeter {
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong PARAM_GRADS = new AtomicLong();

    private MemoryMeter() {}

    /**
     * Bytes currently held by recorded graphs (activations, saved scratch, intermediate gradients).
     *
     * @return the live byte count
     */
    public static long liveBytes() {
        return LIVE.get();
    }

    /**
     * The largest {@link #liveBytes()} since the last {@link #resetPeak()}.
     *
     * @return the peak byte count
     */
    public static long peakBytes() {
        return PEAK.get();
    }

    /**
     * Bytes of parameter gradient buffers allocated so far (they are reused across steps).
     * The count only grows: a buffer dropped by {@link Variable#clearGrad()} and allocated again
     * is counted twice.
     *
     * @return the cumulative byte count
     */
    public static long parameterGradientBytes() {
        return PARAM_GRADS.get();
    }

    /** Starts a new peak window at the current live bytes. */
    public static void resetPeak() {
        PEAK.set(LIVE.get());
    }

    static void allocate(long bytes) {
        long now = LIVE.addAndGet(bytes);
        PEAK.accumulateAndGet(now, Math::max);
    }

    static void free(long bytes) {
        LIVE.addAndGet(-bytes);
    }

    static void parameterGradient(long bytes) {
        PARAM_GRADS.addAndGet(bytes);
    }
}
