package dev.calx.tensor.cuda;

import dev.calx.tensor.Numerics;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Host-device copies through the device's staging buffer. Data from the host is packed into
 * staging (compacting strided rows, optionally rounding fp32 to bf16) and flushed to a
 * contiguous device range whenever staging fills; results come back the same way. The device
 * side is always compact: every matrix on the device has its leading dimension equal to its
 * row length.
 */
final class Transfers {
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Transfers() {}

    /** Streams host data into a contiguous device range starting at a byte offset. */
    static final class Writer {
        private final Device device;
        private final MemorySegment staging;
        private final Object dst;
        private long dstOff;
        private long pos;

        Writer(Device device, DeviceBuffer dst, long dstOff) {
            this.device = device;
            this.staging = device.staging();
            this.dst = dst.handle();
            this.dstOff = dstOff;
        }

        /** Appends n floats, as fp32 or rounded to bf16 (round to nearest even). */
        Writer put(float[] src, int off, int n, boolean bf16) {
            int elem = bf16 ? 2 : 4;
            while (n > 0) {
                int room = (int) Math.min(n, (staging.byteSize() - pos) / elem);
                if (room == 0) {
                    flush();
                    continue;
                }
                if (bf16) {
                    for (int i = 0; i < room; i++) staging.set(LE_SHORT, pos + 2L * i, Numerics.floatToBf16(src[off + i]));
                } else {
                    MemorySegment.copy(src, off, staging, LE_FLOAT, pos, room);
                }
                pos += (long) room * elem;
                off += room;
                n -= room;
            }
            return this;
        }

        /** Appends raw bytes (storage that already has the device layout). */
        Writer putBytes(MemorySegment src, long off, long n) {
            while (n > 0) {
                long room = Math.min(n, staging.byteSize() - pos);
                if (room == 0) {
                    flush();
                    continue;
                }
                MemorySegment.copy(src, off, staging, pos, room);
                pos += room;
                off += room;
                n -= room;
            }
            return this;
        }

        /** Strided fp32 rows: rows of cols floats, ld apart, starting at off. */
        Writer putRows(float[] src, int off, int ld, int rows, int cols, boolean bf16) {
            if (ld == cols) return put(src, off, rows * cols, bf16);
            for (int r = 0; r < rows; r++) put(src, off + r * ld, cols, bf16);
            return this;
        }

        void flush() {
            if (pos > 0) {
                device.upload(dst, dstOff, pos);
                dstOff += pos;
                pos = 0;
            }
        }
    }

    /** Streams fp32 data back from a contiguous device range. */
    static final class Reader {
        private final Device device;
        private final MemorySegment staging;
        private final Object src;
        private long srcOff;
        private long remaining;
        private long pos, filled;

        Reader(Device device, DeviceBuffer src, long srcOff, long bytes) {
            this.device = device;
            this.staging = device.staging();
            this.src = src.handle();
            this.srcOff = srcOff;
            this.remaining = bytes;
        }

        Reader get(float[] dst, int off, int n) {
            while (n > 0) {
                if (pos == filled) refill(n);
                int avail = (int) Math.min(n, (filled - pos) / 4);
                MemorySegment.copy(staging, LE_FLOAT, pos, dst, off, avail);
                pos += 4L * avail;
                off += avail;
                n -= avail;
            }
            return this;
        }

        Reader getRows(float[] dst, int off, int ld, int rows, int cols) {
            if (ld == cols) return get(dst, off, rows * cols);
            for (int r = 0; r < rows; r++) get(dst, off + r * ld, cols);
            return this;
        }

        private void refill(int wanted) {
            long chunk = Math.min(remaining, staging.byteSize() & ~3L);
            if (chunk < 4) {
                throw new IllegalStateException("read past the end of the device range (" + wanted + " floats still wanted)");
            }
            device.download(src, srcOff, chunk);
            srcOff += chunk;
            remaining -= chunk;
            pos = 0;
            filled = chunk;
        }
    }
}
