package dev.calx.tensor.cuda;

/**
 * One device as the backend uses it: the {@link Device}, the options, and the scratch buffers
 * that activations pass through (grown on demand, reused across calls, since cudaMalloc per call
 * would cost more than small GEMMs). Every device operation runs while holding this object's
 * monitor: one device, one stream, one caller at a time.
 */
final class CudaContext {
    /** Scratch slots: the two GEMM operands and the result. */
    static final int A = 0, B = 1, C = 2;
    /** Scratch grows in steps of this many bytes, so that slowly growing shapes do not reallocate each call. */
    private static final long SCRATCH_GRAIN = 1 << 20;

    private final Device device;
    private final CudaConfig config;
    private final DeviceBuffer[] scratch = new DeviceBuffer[3];

    CudaContext(Device device, CudaConfig config) {
        this.device = device;
        this.config = config;
    }

    Device device() { return device; }

    CudaConfig config() { return config; }

    /**
     * The three scratch buffers with at least the given sizes in bytes (0: slot unused). All
     * three are obtained together because an out-of-memory retry frees every scratch buffer.
     * Caller holds the lock; the buffers are valid until the next call.
     */
    DeviceBuffer[] reserve(long a, long b, long c) {
        long[] need = {a, b, c};
        try {
            return grow(need, true);
        } catch (DeviceOutOfMemoryException e) {
            trimScratch(); // drop everything and try the exact sizes once
            return grow(need, false);
        }
    }

    private DeviceBuffer[] grow(long[] need, boolean rounded) {
        for (int slot = 0; slot < scratch.length; slot++) {
            DeviceBuffer b = scratch[slot];
            if (need[slot] == 0 || b != null && b.bytes() >= need[slot]) continue;
            if (b != null) {
                b.close();
                scratch[slot] = null;
            }
            long size = rounded ? (need[slot] + SCRATCH_GRAIN - 1) / SCRATCH_GRAIN * SCRATCH_GRAIN : need[slot];
            scratch[slot] = DeviceBuffer.allocate(device, size, "GEMM scratch " + "ABC".charAt(slot));
        }
        return scratch.clone();
    }

    /**
     * Allocates device memory; on out-of-memory frees the scratch buffers (they are regrown on
     * demand) and tries once more before reporting. Caller holds the lock.
     */
    DeviceBuffer allocate(long bytes, String what) {
        try {
            return DeviceBuffer.allocate(device, bytes, what);
        } catch (DeviceOutOfMemoryException first) {
            if (!trimScratch()) throw first;
            return DeviceBuffer.allocate(device, bytes, what);
        }
    }

    /** Frees the scratch buffers; true when any were held. Caller holds the lock. */
    boolean trimScratch() {
        boolean any = false;
        for (int i = 0; i < scratch.length; i++) {
            if (scratch[i] != null) {
                scratch[i].close();
                scratch[i] = null;
                any = true;
            }
        }
        return any;
    }

    /** Bytes held by the scratch buffers. */
    long scratchBytes() {
        long n = 0;
        for (DeviceBuffer b : scratch) if (b != null) n += b.bytes();
        return n;
    }

    /** Frees scratch and the device's own resources (cuBLAS handle, staging). For tests and shutdown. */
    synchronized void close() {
        device.bind();
        trimScratch();
        device.close();
    }
}
