package dev.calx.decode.generate;

/**
 * Splits wall-clock time into model forward, Python execution and everything else, when both
 * may run on several threads at once: at every instant the time counts as "model" if any
 * forward runs, else "python" if any execution runs, else "other". The three add up to the
 * wall time between {@link #start} and {@link #stop}. Thread-safe.
 */
public final class WallClockSplit {
    /**
     * Seconds of each kind.
     *
     * @param modelSeconds  wall time during which at least one forward ran
     * @param pythonSeconds wall time during which Python ran and no forward did
     * @param otherSeconds  wall time during which neither ran
     */
    public record Totals(double modelSeconds, double pythonSeconds, double otherSeconds) {
        /** {@return the three kinds together: the wall time between start and stop (or now)} */
        public double wallSeconds() {
            return modelSeconds + pythonSeconds + otherSeconds;
        }
    }

    private int model, python;
    private long last = -1, modelNanos, pythonNanos, otherNanos;
    private boolean stopped;

    /** A clock that counts nothing until {@link #start}. */
    public WallClockSplit() {}

    /** Starts counting now (a forward or execution already running counts from now on). */
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

    /** A forward begins on some thread; pair with {@link #modelEnds}. */
    public synchronized void modelStarts() {
        account(System.nanoTime());
        model++;
    }

    /** A forward ended. */
    public synchronized void modelEnds() {
        account(System.nanoTime());
        model--;
    }

    /** A Python execution begins on some thread; pair with {@link #pythonEnds}. */
    public synchronized void pythonStarts() {
        account(System.nanoTime());
        python++;
    }

    /** A Python execution ended. */
    public synchronized void pythonEnds() {
        account(System.nanoTime());
        python--;
    }

    /** Stops counting; later events and {@link #totals} calls add nothing. */
    public synchronized void stop() {
        account(System.nanoTime());
        stopped = true;
    }

    /**
     * The split so far (up to now, or up to {@link #stop}).
     *
     * @return the seconds of each kind; all zero before {@link #start}
     */
    public synchronized Totals totals() {
        account(System.nanoTime());
        return new Totals(modelNanos / 1e9, pythonNanos / 1e9, otherNanos / 1e9);
    }
}
