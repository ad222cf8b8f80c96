package dev.calx.tensor.cuda;

import java.util.Locale;

/**
 * The device could not allocate a buffer. The message says how many bytes were asked for, for
 * what, and how many were free at that moment (from {@code cudaMemGetInfo}), so that the reader
 * can tell "one model too many" from "batch too large".
 */
public final class DeviceOutOfMemoryException extends RuntimeException {
    /** Bytes asked for, and free and total device bytes when the allocation failed. */
    private final long requested, free, total;

    /**
     * Creates the exception with the standard message built from its arguments.
     *
     * @param device    the device, e.g. "device 0 (NVIDIA H100 80GB HBM3)"
     * @param what      what the allocation was for
     * @param requested the bytes asked for
     * @param free      the free device bytes at that moment
     * @param total     the device's total bytes
     */
    public DeviceOutOfMemoryException(String device, String what, long requested, long free, long total) {
        super(message(device, what, requested, free, total));
        this.requested = requested;
        this.free = free;
        this.total = total;
    }

    /** {@return the size of the failed allocation, in bytes} */
    public long requestedBytes() { return requested; }

    /** {@return the free device memory when it failed, in bytes} */
    public long freeBytes() { return free; }

    /** {@return the device's total memory, in bytes} */
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
