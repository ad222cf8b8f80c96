package dev.calx.decode.generate;

/**
 * Splits wall-clock time into model forward, Python execution, Python start-up and everything
 * else, when they may run on several threads at once: at every instant the time counts as
 * "model" if any forward runs, else "python" if any execution runs, else "startup" if Python is
 * being started, else "other". The four add up to the wall time between {@link #start} and
 * {@link #stop}. Thread-safe.
 */
public final class WallClockSplit {
    /**
     * Seconds of each kind.
     *
     * @param modelSeconds  wall time during which at least one forward ran
     * @param pythonSeconds wall time during which Python ran and no forward did
     * @param startupSeconds wall time during which Python was being started and neither of those ran
     * @param otherSeconds  wall time during which none of them ran
     */
    public record Totals(double modelSeconds, double pythonSeconds, double startupSeconds, double otherSeconds) {
        /** {@return the four kinds together: the wall time between start and stop (or now)} */
        public double wallSeconds() {
            return modelSeconds + pythonSeconds + startupSeconds + otherSeconds;
        }
    }

    private int model, python, startup;
    private long last = -1, modelNanos, pythonNanos, startupNanos, otherNanos;
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
        else if (startup > 0) startupNanos += d;
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

    /** Python is being started (a first cell waits for its workers); pair with {@link #startupEnds}. */
    public synchronized void startupStarts() {
        account(System.nanoTime());
        startup++;
    }

    /** Python's start-up ended. */
    public synchronized void startupEnds() {
        account(System.nanoTime());
        startup--;
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
        return new Totals(modelNanos / 1e9, pythonNanos / 1e9, startupNanos / 1e9, otherNanos / 1e9);
    }
}
