package dev.calx.tensor.cuda;

/**
 * A block of device memory from {@code cudaMalloc}, freed by {@link #close()} (idempotent).
 * Device memory is never left to the garbage collector: whoever allocates a buffer closes it,
 * usually through the {@link DeviceArena} or backend that owns it.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final Device device;
    private final Object handle;
    private final long bytes;
    private final String what;
    private boolean closed;

    private DeviceBuffer(Device device, Object handle, long bytes, String what) {
        this.device = device;
        this.handle = handle;
        this.bytes = bytes;
        this.what = what;
    }

    static DeviceBuffer allocate(Device device, long bytes, String what) {
        return new DeviceBuffer(device, device.malloc(bytes, what), bytes, what);
    }

    /** {@return the size in bytes} */
    public long bytes() { return bytes; }

    /** {@return what this buffer holds (for messages)} */
    public String what() { return what; }

    /** {@return whether {@link #close()} has freed the memory} */
    public boolean isClosed() { return closed; }

    Object handle() {
        if (closed) throw new IllegalStateException("device buffer for " + what + " is already freed");
        return handle;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            device.free(handle);
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[" + what + ", " + bytes + " bytes" + (closed ? ", freed]" : "]");
    }
}
