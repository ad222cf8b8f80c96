package dev.calx.llama.format;

import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Buffered little-endian output to a temporary file beside the target, renamed over the target
 * on {@link #commit()} so that a reader never sees a half-written checkpoint. Closing without
 * committing deletes the temporary file.
 */
final class LeWriter implements AutoCloseable {
    private final Path target, tmp;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean committed;

    LeWriter(Path target) throws IOException {
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        this.tmp = TempFiles.createBeside(target);
        this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
    }

    long position() { return written + buf.position(); }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) flush();
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) written += ch.write(buf);
        buf.clear();
    }

    void i32(int v) throws IOException { room(4); buf.putInt(v); }
    void i64(long v) throws IOException { room(8); buf.putLong(v); }
    void f32(float v) throws IOException { room(4); buf.putFloat(v); }
    void u8(int v) throws IOException { room(1); buf.put((byte) v); }

    void bytes(byte[] b) throws IOException {
        for (int i = 0; i < b.length; ) {
            room(1);
            int n = Math.min(buf.remaining(), b.length - i);
            buf.put(b, i, n);
            i += n;
        }
    }

    void zeros(long n) throws IOException {
        for (long i = 0; i < n; i++) u8(0);
    }

    /** Raw bytes of a segment (already little-endian storage). */
    void segment(MemorySegment s) throws IOException {
        flush();
        if (s.isNative() || s.heapBase().map(o -> o instanceof byte[]).orElse(false)) {
            ByteBuffer bb = s.asByteBuffer();
            while (bb.hasRemaining()) written += ch.write(bb);
            return;
        }
        // a heap segment over a float[] (trainable weights) has no ByteBuffer view: go through the buffer
        for (long off = 0, n = s.byteSize(); off < n; ) {
            int len = (int) Math.min(buf.remaining(), n - off);
            MemorySegment.copy(s, off, MemorySegment.ofBuffer(buf), buf.position(), len);
            buf.position(buf.position() + len);
            off += len;
            flush();
        }
    }

    /** A tensor's elements as fp32. */
    void floats(Tensor t) throws IOException {
        for (float v : t.toArray()) f32(v);
    }

    /** A matrix as fp32 rows, whatever its storage format. */
    void matrixF32(WeightMatrix w) throws IOException {
        if (w.dtype() == dev.calx.tensor.DType.F32) {
            segment(w.segment());
            return;
        }
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.rowToFloat(r, row, 0);
            for (float v : row) f32(v);
        }
    }

    /** Flushes, syncs and renames the temporary file over the target. */
    void commit() throws IOException {
        flush();
        ch.force(true);
        ch.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            ch.close();
            Files.deleteIfExists(tmp);
        }
    }
}
