package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Numerics;
import dev.calx.tensor.Q8Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c checkpoints of version 2 ({@code export.py --version 2}, read by {@code runq.c}):
 * symmetric int8 weights in groups with one fp32 scale per group.
 *
 * <p>Layout: a 256-byte header (magic "ak42", int32 version 2, the 7 config ints, a
 * shared-classifier byte at 36, the int32 group size at 37, unaligned, zero padding); the norms
 * in fp32 (all attention norms, all FFN norms, the final norm); then for each quantized tensor
 * (embedding, wq, wk, wv, wo, w1, w2, w3 over all layers, the classifier when unshared) its int8
 * values followed by its fp32 scales. A group is {@code group_size} consecutive values of the
 * flattened tensor (it may run across rows), and a weight is {@code q * scale}.
 *
 * <p>Storage after loading (a copy: nothing of the file stays mapped). GGML's Q8_0 has blocks of
 * 32 with an <em>fp16</em> scale, so a tensor becomes {@link Q8Weights} only when that changes no
 * weight: group size a multiple of 32, rows a multiple of 32, and every scale exactly an fp16
 * value (true for files exported from a Q8_0 model, rarely for others, whose scales are
 * max/127 in fp32). Otherwise it is dequantized to fp32 ({@code q * scale} in fp32, as runq.c's
 * {@code dequantize}): exact, at 4 bytes per weight. runq.c itself also quantizes the activations
 * to int8 in its matmuls; we compute in fp32, so our logits are those of the dequantized model,
 * not runq.c's bit for bit.
 */
final class Llama2cV2 {
    static final int VERSION = 2, HEADER = 256, GROUP_SIZE_OFFSET = 37;

    private Llama2cV2() {}

    /** The int8 tensors in file order, by HF name, with their [rows][cols]. */
    static Map<String, int[]> quantizedTensors(LlamaConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(LlamaWeights.EMBED, new int[]{c.vocabSize(), c.hiddenSize()});
        for (String s : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.down_proj", "mlp.up_proj")) {
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                String n = LlamaWeights.layer(l, s);
                m.put(n, LlamaWeights.shapeOf(c, n));
            }
        }
        if (!c.tieWordEmbeddings()) m.put(LlamaWeights.LM_HEAD, new int[]{c.vocabSize(), c.hiddenSize()});
        return m;
    }

    static int groupSize(MappedFile f) throws CheckpointException {
        int gs = f.i32(GROUP_SIZE_OFFSET, "header field group_size");
        if (gs <= 0 || gs > (1 << 24)) {
            throw new CheckpointException(f.path(), "header field group_size = " + gs + " is not a plausible group size");
        }
        return gs;
    }

    /**
     * Checks that the group size divides every quantized tensor and that the file has exactly
     * the size the header implies; a short file names the first tensor that does not fit.
     */
    static void validate(MappedFile f, LlamaConfig c, int gs) throws CheckpointException {
        long off = HEADER + 4L * c.hiddenSize() * (2L * c.numHiddenLayers() + 1);
        String firstCut = off > f.size() ? "the fp32 norms" : null;
        for (var e : quantizedTensors(c).entrySet()) {
            long n = (long) e.getValue()[0] * e.getValue()[1];
            if (n % gs != 0) {
                throw new CheckpointException(f.path(), e.getKey(), n + " values are not a whole number of groups of "
                        + gs + " (the header's group_size)");
            }
            long end = off + n + 4 * (n / gs);
            if (firstCut == null && end > f.size()) firstCut = "tensor " + e.getKey() + " (bytes [" + off + ", " + end + "))";
            off = end;
        }
        if (f.size() != off) {
            String header = "dim " + c.hiddenSize() + ", hidden_dim " + c.intermediateSize() + ", " + c.numHiddenLayers()
                    + " layers, " + c.numAttentionHeads() + " heads, " + c.numKeyValueHeads() + " kv heads, vocab "
                    + c.vocabSize() + ", " + (c.tieWordEmbeddings() ? "shared" : "unshared") + " classifier, group size " + gs;
            throw new CheckpointException(f.path(), "the version 2 header (" + header + ") needs " + off
                    + " bytes but the file has " + f.size()
                    + (firstCut != null ? " (truncated: " + firstCut + " is cut off)" : " (trailing bytes)"));
        }
    }

    static LlamaModel read(MappedFile f, Arena arena, LlamaConfig c) throws IOException {
        int gs = groupSize(f);
        validate(f, c, gs);
        int d = c.hiddenSize(), L = c.numHiddenLayers();
        Map<String, Object> m = new HashMap<>();
        long off = HEADER;
        for (String s : List.of("input_layernorm", "post_attention_layernorm")) {
            for (int l = 0; l < L; l++) {
                String n = LlamaWeights.layer(l, s);
                m.put(n, Tensor.wrap(f.slice(off, 4L * d, "tensor " + n).toArray(MappedFile.LE_FLOAT), new int[]{d}));
                off += 4L * d;
            }
        }
        m.put(LlamaWeights.NORM, Tensor.wrap(f.slice(off, 4L * d, "tensor " + LlamaWeights.NORM).toArray(MappedFile.LE_FLOAT),
                new int[]{d}));
        off += 4L * d;
        int q8 = 0, f32 = 0;
        for (var e : quantizedTensors(c).entrySet()) {
            String n = e.getKey();
            int rows = e.getValue()[0], cols = e.getValue()[1];
            long count = (long) rows * cols;
            MemorySegment q = f.slice(off, count, "tensor " + n + " int8 values");
            MemorySegment s = f.slice(off + count, 4 * (count / gs), "tensor " + n + " scales");
            off += count + 4 * (count / gs);
            checkScales(f.path(), n, s);
            WeightMatrix w = fitsQ8(s, gs, cols) ? toQ8(q, s, gs, rows, cols, arena) : dequantize(q, s, gs, rows, cols, arena);
            if (w.dtype() == DType.Q8_0) q8++;
            else f32++;
            m.put(n, w);
        }
        String storage = q8 == 0 ? "F32" : f32 == 0 ? "Q8_0" : "mixed (" + q8 + " Q8_0, " + f32 + " F32)";
        return new LlamaModel(LlamaWeights.of(c, m), LlamaModel.Format.LLAMA2C, f.path(), arena,
                Map.of("llama2c.version", VERSION, "llama2c.group_size", gs, "llama2c.storage", storage));
    }

    /** Scales are max|w|/127: finite and not negative, else the file is corrupt. */
    static void checkScales(Path p, String name, MemorySegment s) throws CheckpointException {
        for (long i = 0, n = s.byteSize() / 4; i < n; i++) {
            float v = s.get(MappedFile.LE_FLOAT, 4 * i);
            if (!(v >= 0) || Float.isInfinite(v)) {
                throw new CheckpointException(p, name, "scale of group " + i + " is " + v + " (expected a finite value >= 0)");
            }
        }
    }

    /** Whether GGML Q8_0 blocks (32 values, fp16 scale) hold this tensor without changing any weight. */
    static boolean fitsQ8(MemorySegment scales, int gs, int cols) {
        if (gs % Q8Weights.BLOCK != 0 || cols % Q8Weights.BLOCK != 0) return false;
        for (long i = 0, n = scales.byteSize() / 4; i < n; i++) {
            float v = scales.get(MappedFile.LE_FLOAT, 4 * i);
            if (Float.floatToRawIntBits(Numerics.f16ToFloat(Numerics.floatToF16(v))) != Float.floatToRawIntBits(v)) return false;
        }
        return true;
    }

    /** Q8_0 blocks: each block of 32 lies inside one group (gs and cols are multiples of 32) and takes its scale. */
    static Q8Weights toQ8(MemorySegment q, MemorySegment s, int gs, int rows, int cols, Arena arena) {
        long blocks = (long) rows * cols / Q8Weights.BLOCK;
        MemorySegment out = arena.allocate(blocks * Q8Weights.BLOCK_BYTES, 64);
        for (long b = 0; b < blocks; b++) {
            float scale = s.get(MappedFile.LE_FLOAT, 4 * (b * Q8Weights.BLOCK / gs));
            long o = b * Q8Weights.BLOCK_BYTES;
            out.set(MappedFile.LE_SHORT, o, Numerics.floatToF16(scale));
            MemorySegment.copy(q, b * Q8Weights.BLOCK, out, o + 2, Q8Weights.BLOCK);
        }
        return new Q8Weights(out, rows, cols);
    }

    /** fp32 weights q * scale (runq.c's dequantize), off-heap in the model's arena. */
    static F32Weights dequantize(MemorySegment q, MemorySegment s, int gs, int rows, int cols, Arena arena) {
        long n = (long) rows * cols;
        MemorySegment out = arena.allocate(4 * n, 64);
        for (long g = 0; g < n / gs; g++) {
            float scale = s.get(MappedFile.LE_FLOAT, 4 * g);
            for (long i = g * gs, end = i + gs; i < end; i++) {
                out.set(MappedFile.LE_FLOAT, 4 * i, q.get(ValueLayout.JAVA_BYTE, i) * scale);
            }
        }
        return F32Weights.of(out, rows, cols);
    }

    /** What {@code calx info} reports: the storage the tensors will get (scans the scales, copies nothing). */
    static DType storage(MappedFile f, LlamaConfig c) throws CheckpointException {
        int gs = groupSize(f);
        validate(f, c, gs);
        long off = HEADER + 4L * c.hiddenSize() * (2L * c.numHiddenLayers() + 1);
        for (int[] shape : quantizedTensors(c).values()) {
            long count = (long) shape[0] * shape[1];
            if (!fitsQ8(f.slice(off + count, 4 * (count / gs), "scales"), gs, shape[1])) return DType.F32;
            off += count + 4 * (count / gs);
        }
        return DType.Q8_0;
    }

    // ------------------------------------------------------------------ writing

    /**
     * The group size {@link #write} picks when none is given: 32 when every matrix is Q8_0 (the
     * blocks are written exactly, scales widened to fp32), else export.py's default 64 halved
     * until it divides dim.
     */
    static int defaultGroupSize(LlamaWeights w) {
        boolean allQ8 = true;
        for (Object o : w.named().values()) if (o instanceof WeightMatrix m && m.dtype() != DType.Q8_0) allQ8 = false;
        if (allQ8) return Q8Weights.BLOCK;
        int gs = 64;
        while (w.config().hiddenSize() % gs != 0) gs /= 2;
        return gs;
    }

    /** Writes version 2 with this group size (temp file, then rename). */
    static void write(LlamaWeights w, Path out, int gs) throws IOException {
        w = w.interleaved();
        LlamaConfig c = w.config();
        if (gs <= 0) throw new IllegalArgumentException("group size must be positive, got " + gs);
        Map<String, Object> named = w.named();
        for (var e : quantizedTensors(c).entrySet()) {
            long n = (long) e.getValue()[0] * e.getValue()[1];
            if (n % gs != 0) throw new IllegalArgumentException(e.getKey() + ": " + n + " values are not a multiple of group size " + gs);
        }
        try (LeWriter o = new LeWriter(out)) {
            o.i32(Llama2c.MAGIC);
            o.i32(VERSION);
            for (int v : new int[]{c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                    c.numKeyValueHeads(), c.vocabSize(), c.maxPositionEmbeddings()}) {
                o.i32(v);
            }
            o.u8(w.tied() ? 1 : 0);
            o.i32(gs);
            o.zeros(HEADER - o.position());
            for (var l : w.layers()) o.floats(l.inputLayernorm());
            for (var l : w.layers()) o.floats(l.postAttentionLayernorm());
            o.floats(w.norm());
            for (String n : quantizedTensors(c).keySet()) writeQuantized(o, (WeightMatrix) named.get(n), gs);
            o.commit();
        }
    }

    /** One tensor: its int8 values, then its scales. Q8_0 blocks with group size 32 are copied exactly. */
    private static void writeQuantized(LeWriter o, WeightMatrix w, int gs) throws IOException {
        long n = (long) w.rows() * w.cols();
        byte[] q = new byte[Math.toIntExact(n)];
        float[] scales = new float[Math.toIntExact(n / gs)];
        if (w instanceof Q8Weights && gs == Q8Weights.BLOCK) {
            MemorySegment seg = w.segment();
            for (int b = 0; b < scales.length; b++) {
                long p = (long) b * Q8Weights.BLOCK_BYTES;
                scales[b] = Numerics.f16ToFloat(seg.get(MappedFile.LE_SHORT, p));
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, p + 2, q, b * Q8Weights.BLOCK, Q8Weights.BLOCK);
            }
        } else {
            float[] x = new float[Math.toIntExact(n)];
            for (int r = 0; r < w.rows(); r++) w.rowToFloat(r, x, r * w.cols());
            quantize(x, gs, q, scales);
        }
        o.bytes(q);
        for (float s : scales) o.f32(s);
    }

    /**
     * export.py's quantize_q80 in fp32: scale = max|x|/127, q = round half to even (torch.round)
     * of x/scale. An all-zero group gets scale 0 and q 0 (export.py would divide 0 by 0 there).
     */
    static void quantize(float[] x, int gs, byte[] q, float[] scales) {
        for (int g = 0; g < scales.length; g++) {
            float max = 0;
            for (int i = g * gs; i < (g + 1) * gs; i++) max = Math.max(max, Math.abs(x[i]));
            float s = max / 127.0f;
            scales[g] = s;
            for (int i = g * gs; i < (g + 1) * gs; i++) q[i] = s == 0 ? 0 : (byte) Math.rint(x[i] / s);
        }
    }
}
