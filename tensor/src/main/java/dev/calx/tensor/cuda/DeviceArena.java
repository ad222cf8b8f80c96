package dev.calx.tensor.cuda;

import dev.calx.tensor.BF16Weights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The device copies of one model's weight matrices. A weight matrix is uploaded the first time a
 * matmul uses it and stays on the device until the arena is closed or the matrix evicted, so
 * decode and prefill move only activations. Keys are weight objects by identity, except fp32
 * weights that wrap a heap {@link Tensor} (trainable parameters), which are keyed by the array
 * region they cover so that a fresh {@code F32Weights.of(param)} per step does not upload a
 * second copy.
 *
 * <p>Heap fp32 weights are re-uploaded when the tensor object or its {@link Tensor#version()}
 * differs from the uploaded one: whoever writes a parameter in place must call
 * {@link Tensor#touch()} afterwards, or the device keeps the old values.
 *
 * <p>Storage on the device: fp32 stays fp32; bf16 stays bf16 when the backend multiplies bf16
 * with {@code cublasGemmEx} ({@link CudaConfig#bf16Gemm()}), else it is widened to fp32; fp16
 * and Q8_0 are dequantized to fp32 at upload (exact: every fp16 and every d*q is an fp32).
 *
 * <p>Thread-safe: every device operation takes the context lock, then the arena's.
 */
public final class DeviceArena implements AutoCloseable {
    private final CudaContext ctx;
    private final String name;
    /** Keys: the WeightMatrix itself (identity: the formats do not override equals) or a {@link HeapKey}. */
    private final Map<Object, Resident> resident = new HashMap<>();
    private long bytes;
    private boolean closed;

    /** A weight matrix on the device: its buffer, its device dtype, the heap tensor and version it reflects. */
    record Resident(DeviceBuffer buffer, boolean bf16, Tensor source, long version) {}

    /** A region of a heap array; records compare arrays by identity. */
    private record HeapKey(float[] data, int offset, int rows, int cols) {}

    private static Object key(WeightMatrix w) {
        if (w instanceof F32Weights f && f.heapTensor() != null) {
            Tensor t = f.heapTensor();
            return new HeapKey(t.data(), t.offset(), w.rows(), w.cols());
        }
        return w;
    }

    private static Tensor heapTensor(WeightMatrix w) {
        return w instanceof F32Weights f ? f.heapTensor() : null;
    }

    DeviceArena(CudaContext ctx, String name) {
        this.ctx = ctx;
        this.name = name;
    }

    /** {@return the name given by {@link CudaBackend#forModel} ("default" for the root backend)} */
    public String name() { return name; }

    /**
     * Device bytes held by this arena's weights.
     *
     * @return the sum of the resident buffers' sizes, in bytes (bf16 kept as 2, the rest as 4 per element)
     */
    public synchronized long bytes() { return bytes; }

    /**
     * Number of weight matrices on the device.
     *
     * @return how many matrices are resident
     */
    public synchronized int size() { return resident.size(); }

    /**
     * Whether w has a device copy here (possibly stale, refreshed on its next use).
     *
     * @param w the weights; a heap fp32 matrix matches any F32Weights over the same array region
     * @return true if w is resident
     */
    public synchronized boolean contains(WeightMatrix w) { return resident.containsKey(key(w)); }

    /**
     * Frees the device copy of w (if any); the next matmul with w uploads it again.
     *
     * @param w the weights to evict; a heap fp32 matrix is matched by its array region
     */
    public void evict(WeightMatrix w) {
        synchronized (ctx) {
            synchronized (this) {
                Resident r = resident.remove(key(w));
                if (r != null) {
                    bytes -= r.buffer().bytes();
                    ctx.device().bind();
                    r.buffer().close();
                }
            }
        }
    }

    /**
     * The device copy of w, uploading or refreshing it first. Called with the context lock held.
     * When a first upload fails its buffer is freed before the exception propagates, so nothing
     * is resident and {@link #bytes()} is unchanged.
     */
    synchronized Resident resident(WeightMatrix w) {
        if (closed) throw new IllegalStateException("device arena '" + name + "' is closed");
        Object key = key(w);
        Resident r = resident.get(key);
        Tensor source = heapTensor(w);
        long version = source == null ? 0 : source.version();
        if (r != null && r.source() == source && r.version() == version) return r;
        boolean bf16 = w.dtype() == DType.BF16 && ctx.config().bf16Gemm();
        if (r == null) {
            long need = (long) w.rows() * w.cols() * (bf16 ? 2 : 4);
            String what = "weights [" + w.rows() + "][" + w.cols() + "] " + w.dtype() + (bf16 || w.dtype() == DType.F32 ? "" : " as F32")
                    + " in arena '" + name + "'";
            DeviceBuffer buf = ctx.allocate(Math.max(need, 4), what);
            r = new Resident(buf, bf16, source, version);
            try {
                upload(w, r);
            } catch (RuntimeException | Error e) {
                // not resident: free the buffer now, it would otherwise be in no map and never freed
                try {
                    buf.close();
                } catch (RuntimeException | Error suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            bytes += buf.bytes();
        } else {
            // a refresh that fails leaves the old entry, whose version still differs: the next use uploads again
            r = new Resident(r.buffer(), bf16, source, version);
            upload(w, r);
        }
        resident.put(key, r);
        return r;
    }

    private void upload(WeightMatrix w, Resident r) {
        Transfers.Writer out = new Transfers.Writer(ctx.device(), r.buffer(), 0);
        int rows = w.rows(), cols = w.cols();
        if (w instanceof F32Weights f && f.heapTensor() != null) {
            Tensor t = f.heapTensor();
            out.put(t.data(), t.offset(), rows * cols, false);
        } else if (w.dtype() == DType.F32 || (w instanceof BF16Weights && r.bf16())) {
            out.putBytes(w.segment(), 0, w.byteSize());
        } else {
            float[] row = new float[cols];
            for (int i = 0; i < rows; i++) {
                w.rowToFloat(i, row, 0);
                out.put(row, 0, cols, false);
            }
        }
        out.flush();
    }

    /** Frees every weight on the device; the arena stays usable (later matmuls upload again). */
    public void clear() {
        release(false);
    }

    /** Frees every weight on the device; later use is an error. Idempotent. */
    @Override
    public void close() {
        release(true);
    }

    private void release(boolean close) {
        synchronized (ctx) {
            synchronized (this) {
                if (closed) return;
                closed = close;
                ctx.device().bind();
                for (Resident r : new ArrayList<>(resident.values())) r.buffer().close();
                resident.clear();
                bytes = 0;
            }
        }
    }

    /** {@return whether {@link #close()} has run (clear() does not close)} */
    public synchronized boolean isClosed() { return closed; }

    @Override
    public synchronized String toString() {
        return "DeviceArena[" + name + ", " + resident.size() + " matrices, " + bytes + " bytes" + (closed ? ", closed]" : "]");
    }
}
