package dev.calx.decode.grade.internal;

/** A cooperative time limit: parsing and evaluation check it, so no comparison runs unbounded. */
public final class Deadline {
    private final long endNanos;

    public Deadline(long millis) {
        this.endNanos = System.nanoTime() + millis * 1_000_000L;
    }

    public static Deadline none() {
        return new Deadline(Long.MAX_VALUE / 2_000_000L);
    }

    public void check() {
        if (System.nanoTime() - endNanos > 0) throw new TimeoutException();
    }

    /** Thrown when a comparison runs past its time limit. */
    public static final class TimeoutException extends RuntimeException {
        TimeoutException() {
            super("comparison time limit exceeded", null, false, false);
        }
    }
}
