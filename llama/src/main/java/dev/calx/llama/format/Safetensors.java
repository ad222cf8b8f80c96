package dev.calx.llama.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.llama.CheckpointException;
import dev.calx.tensor.DType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors container: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__}), then the
 * raw little-endian tensor bytes. Reading validates every entry against the file; writing
 * follows the reference library's layout (tensors ordered by dtype, widest first, then by name;
 * compact JSON; header padded with spaces to a multiple of 8) so files written by PyTorch
 * tooling round-trip byte for byte.
 */
public final class Safetensors {
    /** Refuses text after the header's object (trailing spaces, the writers' padding, are fine). */
    private static final ObjectMapper JSON = StrictJson.mapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /**
     * One tensor's header entry; begin/end are absolute file offsets.
     *
     * @param name  the tensor name
     * @param dtype the safetensors dtype name: "F32", "F16" or "BF16"
     * @param shape the dimensions, outermost first (row-major); shared, do not modify
     * @param begin absolute file offset of the first byte
     * @param end   absolute file offset just past the last byte
     */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** {@return the number of elements, the product of the shape (1 for a scalar)} */
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    /**
     * A parsed, validated file: entries in file order and the metadata map.
     *
     * @param file     the mapping the entries point into
     * @param entries  tensors by name, in header order
     * @param metadata the {@code __metadata__} strings (empty when absent)
     */
    public record File(MappedFile file, Map<String, Entry> entries, Map<String, String> metadata) {
        /**
         * The raw little-endian bytes of one tensor, without a copy.
         *
         * @param e an entry of this file
         * @return a read-only slice of the mapping, valid while its arena is open
         * @throws CheckpointException when the entry does not lie inside the file
         */
        public MemorySegment data(Entry e) throws CheckpointException {
            return file.slice(e.begin(), e.end() - e.begin(), "tensor " + e.name());
        }
    }

    /** Element size of a supported dtype name, or -1. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> -1;
        };
    }

    static String dtypeName(DType dt) {
        return switch (dt) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            case Q8_0 -> throw new IllegalArgumentException("safetensors has no Q8_0 dtype");
        };
    }

    static DType dtype(String name) {
        return switch (name) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Parses and validates the header of a mapped file: every entry has a supported dtype, a shape
     * matching its byte range, and the ranges cover the data section exactly (no overlaps, holes
     * or trailing bytes).
     *
     * @param f the mapped file
     * @return the entries and metadata
     * @throws CheckpointException when the header length, the JSON or any entry is invalid
     */
    public static File read(MappedFile f) throws CheckpointException {
        long n = f.i64(0, "safetensors header length");
        if (n <= 1 || n > MAX_HEADER) {
            throw new CheckpointException(f.path(), "safetensors header length " + n + " is not plausible (not a safetensors file?)");
        }
        String text = StrictUtf8.decode(f.path(), "the safetensors header",
                f.slice(8, (int) n, "safetensors header of " + n + " bytes").toArray(ValueLayout.JAVA_BYTE), 8);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw CheckpointException.badJson(f.path(), "the safetensors header", e);
        }
        if (root == null || !root.isObject()) throw new CheckpointException(f.path(), "safetensors header is not a JSON object");
        long base = 8 + n, dataLen = f.size() - base;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var kv = it.next();
            String name = kv.getKey();
            JsonNode v = kv.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw new CheckpointException(f.path(), "__metadata__ is not an object");
                v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode dt = v.get("dtype"), shape = v.get("shape"), offs = v.get("data_offsets");
            if (dt == null || shape == null || offs == null || !shape.isArray() || !offs.isArray() || offs.size() != 2) {
                throw new CheckpointException(f.path(), name, "header entry needs dtype, shape and data_offsets [begin, end]: " + v);
            }
            int es = elementSize(dt.asText());
            if (es < 0) throw new CheckpointException(f.path(), name, "dtype " + dt.asText() + " is not supported (F32, F16, BF16)");
            long[] s = new long[shape.size()];
            long numel = 1;
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i).asLong(-1);
                if (s[i] < 0) throw new CheckpointException(f.path(), name, "bad shape " + shape);
                numel *= s[i];
            }
            long b = offs.get(0).asLong(-1), e = offs.get(1).asLong(-1);
            if (b < 0 || e < b || e > dataLen) {
                throw new CheckpointException(f.path(), name, "data_offsets [" + b + ", " + e + "] outside the data section of "
                        + dataLen + " bytes" + (e > dataLen ? " (truncated file?)" : ""));
            }
            if (e - b != numel * es) {
                throw new CheckpointException(f.path(), name, "shape " + shape + " of " + dt.asText() + " needs " + numel * es
                        + " bytes but data_offsets span " + (e - b));
            }
            entries.put(name, new Entry(name, dt.asText(), s, base + b, base + e));
        }
        // The data section must be covered exactly, without overlaps or holes.
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long at = base;
        for (Entry e : byOffset) {
            if (e.begin() != at) {
                throw new CheckpointException(f.path(), e.name(), "data starts at " + (e.begin() - base) + " but the previous tensor ends at "
                        + (at - base) + " (overlap or hole in the data section)");
            }
            at = e.end();
        }
        if (at != f.size()) {
            throw new CheckpointException(f.path(), "the tensors end at data offset " + (at - base) + " but the data section has "
                    + dataLen + " bytes (trailing bytes)");
        }
        return new File(f, entries, meta);
    }

    /**
     * A tensor to write: raw little-endian bytes of the given dtype and shape.
     *
     * @param name  the tensor name
     * @param dtype the safetensors dtype name: "F32", "F16" or "BF16"
     * @param shape the dimensions, outermost first
     * @param bytes the data, exactly {@code numel * element size} bytes (not checked)
     */
    public record Out(String name, String dtype, long[] shape, MemorySegment bytes) {}

    /**
     * Writes a safetensors file (temp file, then rename).
     *
     * @param path     the target file, replaced if it exists
     * @param tensors  the tensors, in any order (the file orders them as the reference library does)
     * @param metadata the {@code __metadata__} strings, or null or empty for none
     * @throws IOException when the file cannot be written
     */
    public static void write(Path path, List<Out> tensors, Map<String, String> metadata) throws IOException {
        List<Out> sorted = new ArrayList<>(tensors);
        // reference order: dtype descending in the library's enum order (F32 > BF16 > F16), then name
        sorted.sort(Comparator.comparingInt((Out o) -> -dtypeRank(o.dtype())).thenComparing(Out::name));
        StringBuilder h = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            boolean first = true;
            for (var m : metadata.entrySet()) {
                if (!first) h.append(',');
                first = false;
                h.append(JSON.writeValueAsString(m.getKey())).append(':').append(JSON.writeValueAsString(m.getValue()));
            }
            h.append("},");
        }
        long off = 0;
        for (Out o : sorted) {
            long n = o.bytes().byteSize();
            h.append(JSON.writeValueAsString(o.name())).append(":{\"dtype\":\"").append(o.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < o.shape().length; i++) h.append(i > 0 ? "," : "").append(o.shape()[i]);
            h.append("],\"data_offsets\":[").append(off).append(',').append(off + n).append("]},");
            off += n;
        }
        if (h.charAt(h.length() - 1) == ',') h.setLength(h.length() - 1);
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - header.length % 8) % 8;
        byte[] padded = Arrays.copyOf(header, header.length + pad);
        Arrays.fill(padded, header.length, padded.length, (byte) ' ');
        try (LeWriter w = new LeWriter(path)) {
            w.i64(padded.length);
            w.bytes(padded);
            for (Out o : sorted) w.segment(o.bytes());
            w.commit();
        }
    }

    private static int dtypeRank(String dt) {
        return switch (dt) {
            case "F16" -> 1;
            case "BF16" -> 2;
            case "F32" -> 3;
            default -> 0;
        };
    }
}
