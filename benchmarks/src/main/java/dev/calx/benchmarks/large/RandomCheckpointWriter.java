package dev.calx.benchmarks.large;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.tensor.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams a random-weight bf16 Hugging Face checkpoint of any Llama shape to disk without
 * holding it in memory (a 7B model is 13.5 GB): config.json, shards of at most maxShardBytes
 * ({@code model-0000i-of-0000n.safetensors}, safetensors layout: 8-byte header length, JSON
 * header padded with spaces to a multiple of 8, raw little-endian tensors) and the index.
 * Matrices are random bf16 of magnitude 2^-7..2^-5 with random signs (finite, small enough that
 * activations stay finite through 32 layers); norm weights are 1.
 */
public final class RandomCheckpointWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 32 << 20;

    private RandomCheckpointWriter() {}

    /** Writes the checkpoint into dir (which must exist) and returns the bytes of tensor data written. */
    public static long write(LlamaConfig c, Path dir, long maxShardBytes, long seed) throws IOException {
        List<List<String>> shards = new ArrayList<>();
        long size = 0;
        for (String name : LlamaWeights.names(c)) {
            long n = bytes(c, name);
            if (shards.isEmpty() || size + n > maxShardBytes && size > 0) {
                shards.add(new ArrayList<>());
                size = 0;
            }
            shards.getLast().add(name);
            size += n;
        }
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        long[] state = {seed * 0x9E3779B97F4A7C15L + 1};
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path target = dir.resolve(file), tmp = dir.resolve(file + ".tmp");
            ObjectNode header = JSON.createObjectNode();
            header.putObject("__metadata__").put("format", "pt");
            long offset = 0;
            for (String name : shards.get(i)) {
                ObjectNode e = header.putObject(name);
                e.put("dtype", "BF16");
                var shape = e.putArray("shape");
                for (int d : LlamaWeights.shapeOf(c, name)) shape.add(d);
                e.putArray("data_offsets").add(offset).add(offset + bytes(c, name));
                offset += bytes(c, name);
                weightMap.put(name, file);
            }
            byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
            int padded = (h.length + 7) / 8 * 8;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(h);
                while (head.hasRemaining()) head.put((byte) ' ');
                head.flip();
                while (head.hasRemaining()) ch.write(head);
                for (String name : shards.get(i)) {
                    boolean norm = LlamaWeights.shapeOf(c, name).length == 1;
                    for (long left = bytes(c, name); left > 0; ) {
                        int n = (int) Math.min(CHUNK, left);
                        buf.clear().limit(n);
                        fill(buf, n / 2, norm, state);
                        buf.flip();
                        while (buf.hasRemaining()) ch.write(buf);
                        left -= n;
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            total += offset;
        }
        StringBuilder idx = new StringBuilder("{\n  \"metadata\": {\n    \"total_size\": ").append(total).append("\n  },\n  \"weight_map\": {\n");
        int k = 0;
        for (var e : weightMap.entrySet()) {
            idx.append("    ").append(JSON.writeValueAsString(e.getKey())).append(": ").append(JSON.writeValueAsString(e.getValue()))
                    .append(++k < weightMap.size() ? ",\n" : "\n");
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), idx.append("  }\n}\n"));
        Files.writeString(dir.resolve("config.json"), HfCheckpoint.configJson(c, DType.BF16));
        return total;
    }

    static long bytes(LlamaConfig c, String name) {
        long n = 2;
        for (int d : LlamaWeights.shapeOf(c, name)) n *= d;
        return n;
    }

    /** count bf16 values: 1.0 for norms, else sign | exponent 2^-7 or 2^-6 | random mantissa (xorshift64). */
    private static void fill(ByteBuffer b, int count, boolean norm, long[] state) {
        if (norm) {
            for (int i = 0; i < count; i++) b.putShort((short) 0x3F80);
            return;
        }
        long x = state[0];
        int i = 0;
        while (i < count) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            long r = x;
            for (int j = 0; j < 4 && i < count; j++, i++, r >>>= 16) {
                int bits = (int) (r & 0x807F) | ((0x78 + (int) ((r >>> 7) & 1)) << 7);
                b.putShort((short) bits);
            }
        }
        state[0] = x;
    }
}
