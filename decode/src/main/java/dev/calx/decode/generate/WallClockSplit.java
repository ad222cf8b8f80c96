package dev.calx.decode.generate;

/**
 * Splits wall-clock time into model forward, Python execution and everything else, when both
 * may run on several threads at once: at every instant the time counts as "model" if any
 * forward runs, else "python" if any execution runs, else "other". The three add up to the
 * wall time between {@link #start} and {@link #stop}. Thread-safe.
 */
public final class WallClockSplit {
    /** Seconds of each kind. */
    public record Totals(double modelSeconds, double pythonSeconds, double otherSeconds) {
        public double wallSeconds() {
            return modelSeconds + pythonSeconds + otherSeconds;
        }
    }

    private int model, python;
    private long last = -1, modelNanos, pythonNanos, otherNanos;
    private boolean stopped;

    public synchronized void start() {
        last = System.nanoTime();
    }

    private void account(long now) {
        if (last < 0 || stopped) return;
        long d = now - last;
        if (model > 0) modelNanos += d;
        else if (python > 0) pythonNanos += d;
        else otherNanos += d;
        last = now;
    }

    public synchronized void modelStarts() {
        account(System.nanoTime());
        model++;
    }

    public synchronized void modelEnds() {
        account(System.nanoTime());
        model--;
    }

    public synchronized void pythonStarts() {
        account(System.nanoTime());
        python++;
    }

    public synchronized void pythonEnds() {
        account(System.nanoTime());
        python--;
    }

    public synchronized void stop() {
        account(System.nanoTime());
        stopped = true;
    }

    /** The split so far (up to now, or up to {@link #stop}). */
    public synchronized Totals totals() {
        account(System.nanoTime());
        return new Totals(modelNanos / 1e9, pythonNanos / 1e9, otherNanos / 1e9);
    }
}
