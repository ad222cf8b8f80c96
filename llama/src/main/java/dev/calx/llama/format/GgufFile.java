package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF file (versions 2 and 3): metadata key/values and tensor descriptors, over a
 * memory mapping. Metadata values are Long (all integer types), Double (floats), Boolean,
 * String, or List of those (arrays). The tokenizer stored in the metadata is available through
 * {@link #tokens()}, {@link #scores()}, {@link #tokenTypes()}.
 */
public final class GgufFile {
    /** The first four bytes, "GGUF", read as a little-endian int. */
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;

    /**
     * A tensor descriptor: dims as GGUF gives them (ne[0] is the innermost, i.e. columns).
     *
     * @param name   the GGUF tensor name, e.g. {@code blk.0.attn_q.weight}
     * @param dims   the dimensions, innermost first: a [rows][cols] matrix is {cols, rows}; the
     *               array is shared, do not modify it
     * @param type   the GGML type code (0 F32, 1 F16, 8 Q8_0, 30 BF16, ...)
     * @param offset the byte offset of its data from the start of the aligned data section
     */
    public record TensorInfo(String name, long[] dims, int type, long offset) {
        /** {@return the number of elements, the product of the dims} */
        public long numel() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    private final MappedFile file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataStart;

    private GgufFile(MappedFile file, int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors, long dataStart) {
        this.file = file;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.dataStart = dataStart;
    }

    /**
     * Maps and parses a GGUF file; the mapping lives as long as the arena.
     *
     * @param path  a GGUF file
     * @param arena owns the mapping; tensor data from {@link #data} is valid until it closes
     * @return the parsed header
     * @throws CheckpointException when the magic, version or header is invalid or truncated
     * @throws IOException when the file cannot be read
     */
    public static GgufFile open(Path path, Arena arena) throws IOException {
        return parse(MappedFile.map(path, arena));
    }

    /**
     * Reads only the metadata of a GGUF file (e.g. for a tokenizer); the file is unmapped afterwards.
     *
     * @param path a GGUF file
     * @return the metadata key/values in file order, as a modifiable copy
     * @throws CheckpointException when the header is invalid or truncated
     * @throws IOException when the file cannot be read
     */
    public static Map<String, Object> readMetadata(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return new LinkedHashMap<>(open(path, arena).metadata());
        }
    }

    /** {@return the file this was parsed from} */
    public Path path() { return file.path(); }
    /** {@return the GGUF version, 2 or 3} */
    public int version() { return version; }
    /** {@return the metadata key/values in file order, unmodifiable (value types: see the class comment)} */
    public Map<String, Object> metadata() { return metadata; }
    /** {@return the tensor descriptors by GGUF name, in file order, unmodifiable} */
    public Map<String, TensorInfo> tensors() { return tensors; }

    /**
     * tokenizer.ggml.tokens, or null when absent.
     *
     * @return the pieces by id (unmodifiable), or null; not checked to be strings
     */
    @SuppressWarnings("unchecked")
    public List<String> tokens() {
        return (List<String>) (List<?>) metadata.get("tokenizer.ggml.tokens");
    }

    /**
     * tokenizer.ggml.scores as floats, or null when absent.
     *
     * @return a fresh array of scores by id, or null
     * @throws ClassCastException when an entry is not a number
     */
    public float[] scores() {
        return floats(metadata.get("tokenizer.ggml.scores"));
    }

    /**
     * tokenizer.ggml.token_type (1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte), or null.
     *
     * @return a fresh array of type codes by id, or null
     * @throws ClassCastException when an entry is not a number
     */
    public int[] tokenTypes() {
        Object o = metadata.get("tokenizer.ggml.token_type");
        if (!(o instanceof List<?> l)) return null;
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).intValue();
        return r;
    }

    static float[] floats(Object o) {
        if (!(o instanceof List<?> l)) return null;
        float[] r = new float[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).floatValue();
        return r;
    }

    /**
     * The raw bytes of a tensor, checked against the file; bytes is what its type and shape need.
     *
     * @param t     a descriptor from {@link #tensors()}
     * @param bytes the byte size of the tensor's data (e.g. {@code dtype.bytes(t.numel())})
     * @return a read-only slice of the mapping, valid while the arena is open
     * @throws CheckpointException when the data would extend past the end of the file
     */
    public MemorySegment data(TensorInfo t, long bytes) throws CheckpointException {
        return file.slice(dataStart + t.offset(), bytes, "tensor " + t.name() + " data");
    }

    // ---------------------------------------------------------------- parsing

    private static final class Reader {
        final MappedFile f;
        long pos;

        Reader(MappedFile f, long pos) {
            this.f = f;
            this.pos = pos;
        }

        int u32(String what) throws CheckpointException {
            int v = f.i32(pos, what);
            pos += 4;
            return v;
        }

        long u64(String what) throws CheckpointException {
            long v = f.i64(pos, what);
            pos += 8;
            return v;
        }

        String str(String what) throws CheckpointException {
            long n = u64(what + " length");
            if (n < 0 || n > (1 << 24)) throw new CheckpointException(f.path(), what + ": string length " + n + " is not plausible");
            String s = f.utf8(pos, (int) n, what);
            pos += n;
            return s;
        }

        Object value(int type, String key) throws CheckpointException {
            MemorySegment s = f.segment();
            String what = "metadata value of " + key;
            long size = switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 10, 11, 12 -> 8;
                default -> 0;
            };
            if (size > 0) f.require(pos, size, what);
            Object v = switch (type) {
                case 0 -> (long) (s.get(ValueLayout.JAVA_BYTE, pos) & 0xff);
                case 1 -> (long) s.get(ValueLayout.JAVA_BYTE, pos);
                case 2 -> (long) (s.get(MappedFile.LE_SHORT, pos) & 0xffff);
                case 3 -> (long) s.get(MappedFile.LE_SHORT, pos);
                case 4 -> s.get(MappedFile.LE_INT, pos) & 0xffffffffL;
                case 5 -> (long) s.get(MappedFile.LE_INT, pos);
                case 6 -> (double) s.get(MappedFile.LE_FLOAT, pos);
                case 7 -> s.get(ValueLayout.JAVA_BYTE, pos) != 0;
                case 10, 11 -> s.get(MappedFile.LE_LONG, pos);
                case 12 -> s.get(MappedFile.LE_DOUBLE, pos);
                case 8 -> str(what);
                case 9 -> {
                    int et = u32(what + " array type");
                    long n = u64(what + " array length");
                    if (n < 0 || n > f.size()) throw new CheckpointException(f.path(), what + ": array length " + n + " is not plausible");
                    List<Object> l = new ArrayList<>((int) n);
                    for (long i = 0; i < n; i++) l.add(value(et, key));
                    yield Collections.unmodifiableList(l);
                }
                default -> throw new CheckpointException(f.path(), what + ": unknown GGUF value type " + type);
            };
            pos += size;
            return v;
        }
    }

    static GgufFile parse(MappedFile f) throws CheckpointException {
        Reader r = new Reader(f, 0);
        int magic = r.u32("magic");
        if (magic != MAGIC) {
            throw new CheckpointException(f.path(), String.format("bad magic 0x%08x, expected 0x%08x (\"GGUF\")", magic, MAGIC));
        }
        int version = r.u32("version");
        if (version != 2 && version != 3) throw new CheckpointException(f.path(), "GGUF version " + version + " is not supported (2 or 3)");
        long nt = r.u64("tensor count"), nkv = r.u64("metadata count");
        if (nt < 0 || nt > 1_000_000 || nkv < 0 || nkv > 1_000_000) {
            throw new CheckpointException(f.path(), "implausible header: " + nt + " tensors, " + nkv + " metadata entries");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < nkv; i++) {
            String key = r.str("metadata key " + i);
            int type = r.u32("type of " + key);
            meta.put(key, r.value(type, key));
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < nt; i++) {
            String name = r.str("name of tensor " + i);
            int nd = r.u32("dims of " + name);
            if (nd < 1 || nd > 4) throw new CheckpointException(f.path(), name, nd + " dimensions (expected 1 to 4)");
            long[] dims = new long[nd];
            for (int d = 0; d < nd; d++) {
                dims[d] = r.u64("dim " + d + " of " + name);
                if (dims[d] <= 0 || dims[d] > (1L << 31)) throw new CheckpointException(f.path(), name, "dimension " + dims[d] + " is not plausible");
            }
            int type = r.u32("type of " + name);
            long off = r.u64("offset of " + name);
            if (tensors.put(name, new TensorInfo(name, dims, type, off)) != null) {
                throw new CheckpointException(f.path(), name, "appears twice");
            }
        }
        long align = meta.get("general.alignment") instanceof Long a ? a : DEFAULT_ALIGNMENT;
        if (align <= 0 || (align & (align - 1)) != 0) throw new CheckpointException(f.path(), "general.alignment " + align + " is not a power of two");
        long dataStart = (r.pos + align - 1) / align * align;
        for (TensorInfo t : tensors.values()) {
            if (t.offset() % align != 0) {
                throw new CheckpointException(f.path(), t.name(), "data offset " + t.offset() + " is not aligned to " + align);
            }
        }
        return new GgufFile(f, version, meta, tensors, dataStart);
    }
}
