package dev.calx.tensor.cuda;

import java.util.Locale;

/**
 * The device could not allocate a buffer. The message says how many bytes were asked for, for
 * what, and how many were free at that moment (from {@code cudaMemGetInfo}), so that the reader
 * can tell "one model too many" from "batch too large".
 */
public final class DeviceOutOfMemoryException extends RuntimeException {
    private final long requested, free, total;

    public DeviceOutOfMemoryException(String device, String what, long requested, long free, long total) {
        super(message(device, what, requested, free, total));
        this.requested = requested;
        this.free = free;
        this.total = total;
    }

    public long requestedBytes() { return requested; }

    public long freeBytes() { return free; }

    public long totalBytes() { return total; }

    static String message(String device, String what, long requested, long free, long total) {
        return "CUDA out of memory on " + device + ": asked for " + bytes(requested) + " for " + what
                + " but only " + bytes(free) + " of " + bytes(total) + " are free; close a model's DeviceArena"
                + " or use smaller batches";
    }

    /** "1610612736 bytes (1.50 GiB)": the exact count first, then a readable size. */
    static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u < 0 ? n + " bytes" : n + " bytes (" + String.format(Locale.ROOT, "%.2f %s", v, units[u]) + ")";
    }
}
