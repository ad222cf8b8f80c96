package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a whole file, with bounds-checked little-endian reads that
 * throw a {@link CheckpointException} naming the file (never an IndexOutOfBoundsException from
 * deep inside). The mapping lives as long as the arena it was mapped into.
 */
public final class MappedFile {
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment seg;

    private MappedFile(Path path, MemorySegment seg) {
        this.path = path;
        this.seg = seg;
    }

    /**
     * Maps the file read-only into the arena (no copy: pages load on first touch).
     * An empty file gives an empty segment.
     *
     * @param path  the file to map
     * @param arena owns the mapping: closing it unmaps the file (and invalidates every slice)
     * @return the mapping of the whole file
     * @throws IOException when the file cannot be opened or mapped
     */
    public static MappedFile map(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, seg);
        }
    }

    /** {@return the mapped file, as given (named in error messages)} */
    public Path path() { return path; }
    /** {@return the file size in bytes} */
    public long size() { return seg.byteSize(); }
    /** {@return the whole read-only mapping, unchecked} */
    public MemorySegment segment() { return seg; }

    /**
     * Throws unless [off, off+len) lies inside the file; what says what is being read there.
     *
     * @param off  start offset in bytes
     * @param len  length in bytes
     * @param what a description for the message, e.g. "tensor model.norm.weight"
     * @throws CheckpointException when the range is negative or extends past the end of the file
     */
    public void require(long off, long len, String what) throws CheckpointException {
        if (off < 0 || len < 0 || off + len > seg.byteSize()) {
            throw new CheckpointException(path, what + " needs bytes [" + off + ", " + (off + len)
                    + ") but the file has " + seg.byteSize() + " bytes (truncated?)");
        }
    }

    /**
     * The slice [off, off+len), checked.
     *
     * @param off  start offset in bytes
     * @param len  length in bytes
     * @param what a description for the message
     * @return a read-only view of those bytes (no copy)
     * @throws CheckpointException when the range is not inside the file
     */
    public MemorySegment slice(long off, long len, String what) throws CheckpointException {
        require(off, len, what);
        return seg.asSlice(off, len);
    }

    /**
     * A little-endian int32 at any (unaligned) offset.
     *
     * @param off  byte offset
     * @param what a description for the message
     * @return the value
     * @throws CheckpointException when the four bytes are not inside the file
     */
    public int i32(long off, String what) throws CheckpointException {
        require(off, 4, what);
        return seg.get(LE_INT, off);
    }

    /**
     * A little-endian int64 at any (unaligned) offset.
     *
     * @param off  byte offset
     * @param what a description for the message
     * @return the value
     * @throws CheckpointException when the eight bytes are not inside the file
     */
    public long i64(long off, String what) throws CheckpointException {
        require(off, 8, what);
        return seg.get(LE_LONG, off);
    }

    /**
     * Bytes decoded as UTF-8 (malformed sequences become U+FFFD).
     *
     * @param off  byte offset
     * @param len  length in bytes
     * @param what a description for the message
     * @return the decoded string
     * @throws CheckpointException when the bytes are not inside the file
     */
    public String utf8(long off, int len, String what) throws CheckpointException {
        return new String(slice(off, len, what).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
