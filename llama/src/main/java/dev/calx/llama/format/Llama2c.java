package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c checkpoints ({@code run.c} / {@code export.py}), fp32, memory-mapped.
 *
 * <ul>
 *   <li>Version 0 ("legacy"): 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 *   vocab_size, seq_len; a negative vocab_size means an unshared classifier), then the tensors
 *   grouped by kind over all layers (embedding, attention norms, wq, wk, wv, wo, ffn norms, w1,
 *   w2, w3, final norm), the old RoPE tables (2 x seq_len x head_size/2 floats, ignored on read),
 *   and the classifier when unshared.</li>
 *   <li>Version 1: a 256-byte header (magic "ak42" as uint32 0x616b3432, int32 version, the 7
 *   ints, a shared-classifier byte, zero padding), then all norms, the embedding, wq, wk, wv, wo,
 *   w1, w2, w3 over all layers, and the classifier when unshared.</li>
 * </ul>
 * Version 2 (int8 groups with fp32 scales, runq.c's format) is read and written by
 * {@link Llama2cV2}. w1 is gate_proj, w2 down_proj, w3 up_proj; rows are already in the interleaved RoPE
 * order this project uses. llama2.c does not store rms_norm_eps or rope_theta: they are
 * 1e-5 and 10000 as in run.c, and the writers refuse a model with other values.
 */
public final class Llama2c {
    /** The magic of versions 1 and 2, "ak42" read as a little-endian uint32. */
    public static final int MAGIC = 0x616b3432;
    static final float EPS = 1e-5f, THETA = 10000f;

    private Llama2c() {}

    /**
     * Maps a .bin checkpoint (version 0 or 1); version 2 is read into fp32 or exact Q8_0 copies.
     * The file size must be exactly what the header implies.
     *
     * @param path a llama2.c checkpoint
     * @return the model, owning the mapping or copies (close it); metadata {@code llama2c.version}
     *         (and for version 2 {@code llama2c.group_size}, {@code llama2c.storage})
     * @throws CheckpointException when the header is implausible or inconsistent, the version is
     *                             unknown, or the size does not match the header
     * @throws IOException when the file cannot be read
     */
    public static LlamaModel read(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MappedFile f = MappedFile.map(path, arena);
            int first = f.i32(0, "header");
            LlamaModel m = first == MAGIC ? readV1(f, arena) : readV0(f, arena);
            return m;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads the header only (for {@code calx info}); for version 2 the file size is checked too.
     *
     * @param path a llama2.c checkpoint
     * @return the hyper-parameters, with rms_norm_eps 1e-5, rope_theta 10000, BOS 1 and EOS 2
     * @throws CheckpointException when the header is implausible, inconsistent or of an unknown version
     * @throws IOException when the file cannot be read
     */
    public static LlamaConfig readConfig(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MappedFile f = MappedFile.map(path, arena);
            if (f.i32(0, "header") == MAGIC) {
                int version = f.i32(4, "version");
                checkVersion(f, version);
                LlamaConfig c = config(f, 8, f.slice(36, 1, "shared-classifier flag").get(ValueLayout.JAVA_BYTE, 0) != 0, false);
                if (version == Llama2cV2.VERSION) Llama2cV2.validate(f, c, Llama2cV2.groupSize(f));
                return c;
            }
            return config(f, 0, true, true);
        }
    }

    private static void checkVersion(MappedFile f, int version) throws CheckpointException {
        if (version != 1 && version != 2) {
            throw new CheckpointException(f.path(), "unknown llama2.c version " + version + " after the ak42 magic (expected 1 or 2)");
        }
    }

    /**
     * The version of a .bin checkpoint: 0 (no magic), else the version after the ak42 magic.
     *
     * @param path a llama2.c checkpoint
     * @return 0, or the int after the magic (not checked to be 1 or 2)
     * @throws CheckpointException when the file is shorter than the fields read
     * @throws IOException when the file cannot be read
     */
    public static int version(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MappedFile f = MappedFile.map(path, arena);
            return f.i32(0, "header") == MAGIC ? f.i32(4, "version") : 0;
        }
    }

    /**
     * The storage a load gives (for {@code calx info}): F32 for versions 0 and 1; for version 2
     * Q8_0 when every tensor fits GGML's Q8_0 exactly, else F32 (see {@link Llama2cV2}).
     *
     * @param path a llama2.c checkpoint
     * @return F32 or Q8_0
     * @throws CheckpointException when a version 2 header is invalid or the size does not match it
     * @throws IOException when the file cannot be read
     */
    public static DType storage(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MappedFile f = MappedFile.map(path, arena);
            if (f.i32(0, "header") != MAGIC || f.i32(4, "version") != Llama2cV2.VERSION) return DType.F32;
            LlamaConfig c = config(f, 8, f.slice(36, 1, "shared-classifier flag").get(ValueLayout.JAVA_BYTE, 0) != 0, false);
            return Llama2cV2.storage(f, c);
        }
    }

    /** Parses the 7 header ints at off; for v0 the sign of vocab_size says whether the head is shared. */
    private static LlamaConfig config(MappedFile f, long off, boolean shared, boolean v0) throws CheckpointException {
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) h[i] = f.i32(off + 4L * i, "header field " + names[i]);
        if (v0 && h[5] < 0) {
            shared = false;
            h[5] = -h[5];
        }
        for (int i = 0; i < 7; i++) {
            if (h[i] <= 0 || h[i] > (1 << 24)) {
                throw new CheckpointException(f.path(), "header field " + names[i] + " = " + h[i]
                        + " is not a plausible size: not a llama2.c checkpoint, or a corrupt one");
            }
        }
        try {
            return new LlamaConfig(h[0], h[1], h[2], h[3], h[4], h[5], EPS, THETA, h[6], shared, 1, 2);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(f.path(), "inconsistent header: " + e.getMessage());
        }
    }

    /** Lays out tensors one after another from a start offset, naming each slice it hands out. */
    private static final class Cursor {
        final MappedFile f;
        long off;

        Cursor(MappedFile f, long off) {
            this.f = f;
            this.off = off;
        }

        MemorySegment take(long floats, String what) throws CheckpointException {
            MemorySegment s = f.slice(off, floats * 4, what);
            off += floats * 4;
            return s;
        }
    }

    private static LlamaModel readV0(MappedFile f, Arena arena) throws IOException {
        LlamaConfig c = config(f, 0, true, true);
        Cursor cur = new Cursor(f, 28);
        checkSize(f, c, 28, true);
        Map<String, Object> m = new HashMap<>();
        int d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), L = c.numHiddenLayers();
        m.put(LlamaWeights.EMBED, matrix(cur, c.vocabSize(), d, LlamaWeights.EMBED));
        perLayerVector(cur, m, L, d, "input_layernorm");
        perLayerMatrix(cur, m, L, d, d, "self_attn.q_proj");
        perLayerMatrix(cur, m, L, kv, d, "self_attn.k_proj");
        perLayerMatrix(cur, m, L, kv, d, "self_attn.v_proj");
        perLayerMatrix(cur, m, L, d, d, "self_attn.o_proj");
        perLayerVector(cur, m, L, d, "post_attention_layernorm");
        perLayerMatrix(cur, m, L, h, d, "mlp.gate_proj");
        perLayerMatrix(cur, m, L, d, h, "mlp.down_proj");
        perLayerMatrix(cur, m, L, h, d, "mlp.up_proj");
        m.put(LlamaWeights.NORM, vector(cur, d, LlamaWeights.NORM));
        cur.take((long) c.maxPositionEmbeddings() * c.headDim(), "old RoPE tables freq_cis_real/imag");
        if (!c.tieWordEmbeddings()) m.put(LlamaWeights.LM_HEAD, matrix(cur, c.vocabSize(), d, LlamaWeights.LM_HEAD));
        return new LlamaModel(LlamaWeights.of(c, m), LlamaModel.Format.LLAMA2C, f.path(), arena, Map.of("llama2c.version", 0));
    }

    /** Versions 1 and 2 (both after the ak42 magic). */
    private static LlamaModel readV1(MappedFile f, Arena arena) throws IOException {
        int version = f.i32(4, "version");
        checkVersion(f, version);
        boolean shared = f.slice(36, 1, "shared-classifier flag").get(ValueLayout.JAVA_BYTE, 0) != 0;
        LlamaConfig c = config(f, 8, shared, false);
        if (version == Llama2cV2.VERSION) return Llama2cV2.read(f, arena, c);
        checkSize(f, c, 256, false);
        Cursor cur = new Cursor(f, 256);
        Map<String, Object> m = new HashMap<>();
        int d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), L = c.numHiddenLayers();
        perLayerVector(cur, m, L, d, "input_layernorm");
        perLayerVector(cur, m, L, d, "post_attention_layernorm");
        m.put(LlamaWeights.NORM, vector(cur, d, LlamaWeights.NORM));
        m.put(LlamaWeights.EMBED, matrix(cur, c.vocabSize(), d, LlamaWeights.EMBED));
        perLayerMatrix(cur, m, L, d, d, "self_attn.q_proj");
        perLayerMatrix(cur, m, L, kv, d, "self_attn.k_proj");
        perLayerMatrix(cur, m, L, kv, d, "self_attn.v_proj");
        perLayerMatrix(cur, m, L, d, d, "self_attn.o_proj");
        perLayerMatrix(cur, m, L, h, d, "mlp.gate_proj");
        perLayerMatrix(cur, m, L, d, h, "mlp.down_proj");
        perLayerMatrix(cur, m, L, h, d, "mlp.up_proj");
        if (!c.tieWordEmbeddings()) m.put(LlamaWeights.LM_HEAD, matrix(cur, c.vocabSize(), d, LlamaWeights.LM_HEAD));
        return new LlamaModel(LlamaWeights.of(c, m), LlamaModel.Format.LLAMA2C, f.path(), arena, Map.of("llama2c.version", 1));
    }

    /** The exact byte count a file with this config must have. */
    static long expectedSize(LlamaConfig c, long header, boolean v0) {
        long d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), L = c.numHiddenLayers(), v = c.vocabSize();
        long floats = v * d + L * (2 * d + 2 * d * d + 2 * kv * d + 3 * d * h) + d;
        if (v0) floats += (long) c.maxPositionEmbeddings() * c.headDim();
        if (!c.tieWordEmbeddings()) floats += v * d;
        return header + 4 * floats;
    }

    private static void checkSize(MappedFile f, LlamaConfig c, long header, boolean v0) throws CheckpointException {
        long want = expectedSize(c, header, v0);
        if (f.size() != want) {
            throw new CheckpointException(f.path(), "the header (dim " + c.hiddenSize() + ", hidden_dim " + c.intermediateSize()
                    + ", " + c.numHiddenLayers() + " layers, " + c.numAttentionHeads() + " heads, " + c.numKeyValueHeads()
                    + " kv heads, vocab " + c.vocabSize() + ", seq_len " + c.maxPositionEmbeddings() + ", "
                    + (c.tieWordEmbeddings() ? "shared" : "unshared") + " classifier) needs " + want
                    + " bytes but the file has " + f.size() + (f.size() < want ? " (truncated)" : " (trailing bytes)"));
        }
    }

    private static WeightMatrix matrix(Cursor cur, int rows, int cols, String name) throws CheckpointException {
        return F32Weights.of(cur.take((long) rows * cols, "tensor " + name), rows, cols);
    }

    private static Tensor vector(Cursor cur, int n, String name) throws CheckpointException {
        return Tensor.wrap(cur.take(n, "tensor " + name).toArray(MappedFile.LE_FLOAT), new int[]{n});
    }

    private static void perLayerMatrix(Cursor cur, Map<String, Object> m, int layers, int rows, int cols, String suffix)
            throws CheckpointException {
        for (int l = 0; l < layers; l++) m.put(LlamaWeights.layer(l, suffix), matrix(cur, rows, cols, LlamaWeights.layer(l, suffix)));
    }

    private static void perLayerVector(Cursor cur, Map<String, Object> m, int layers, int n, String suffix) throws CheckpointException {
        for (int l = 0; l < layers; l++) m.put(LlamaWeights.layer(l, suffix), vector(cur, n, LlamaWeights.layer(l, suffix)));
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes a llama2.c checkpoint: version 0 or 1 in fp32 (other storage formats are
     * converted), or version 2 (int8 groups) with the default group size of
     * {@link #writeV2(LlamaWeights, Path, int)}. The file is written to a temporary file and renamed.
     * The format has no fields for rms_norm_eps or rope_theta: a reader assumes 1e-5 and 10000,
     * so a model with other values is refused (write it with {@link HfCheckpoint#write} instead).
     * HF-ordered weights are permuted to the interleaved order first.
     *
     * @param w       the weights, any storage format
     * @param out     the target file, replaced if it exists
     * @param version 0, 1 or 2
     * @throws IllegalArgumentException when version is not 0, 1 or 2, q/k need permuting and are Q8_0,
     *                                  or rms_norm_eps is not 1e-5 or rope_theta not 10000 (nothing is written)
     * @throws IOException when the file cannot be written
     */
    public static void write(LlamaWeights w, Path out, int version) throws IOException {
        if (version != 0 && version != 1 && version != Llama2cV2.VERSION) {
            throw new IllegalArgumentException("llama2.c version must be 0, 1 or 2, got " + version);
        }
        checkRepresentable(w.config(), version);
        if (version == Llama2cV2.VERSION) {
            Llama2cV2.write(w, out, Llama2cV2.defaultGroupSize(w));
            return;
        }
        w = w.interleaved();
        LlamaConfig c = w.config();
        try (LeWriter o = new LeWriter(out)) {
            int[] h = {c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(),
                    c.vocabSize(), c.maxPositionEmbeddings()};
            List<LlamaWeights.Layer> layers = w.layers();
            if (version == 0) {
                if (!w.tied()) h[5] = -h[5];
                for (int v : h) o.i32(v);
                o.matrixF32(w.embedTokens());
                for (var l : layers) o.floats(l.inputLayernorm());
                for (var l : layers) o.matrixF32(l.qProj());
                for (var l : layers) o.matrixF32(l.kProj());
                for (var l : layers) o.matrixF32(l.vProj());
                for (var l : layers) o.matrixF32(l.oProj());
                for (var l : layers) o.floats(l.postAttentionLayernorm());
                for (var l : layers) o.matrixF32(l.gateProj());
                for (var l : layers) o.matrixF32(l.downProj());
                for (var l : layers) o.matrixF32(l.upProj());
                o.floats(w.norm());
                writeRopeTables(o, c);
            } else {
                o.i32(MAGIC);
                o.i32(1);
                for (int v : h) o.i32(v);
                o.u8(w.tied() ? 1 : 0);
                o.zeros(256 - o.position());
                for (var l : layers) o.floats(l.inputLayernorm());
                for (var l : layers) o.floats(l.postAttentionLayernorm());
                o.floats(w.norm());
                o.matrixF32(w.embedTokens());
                for (var l : layers) o.matrixF32(l.qProj());
                for (var l : layers) o.matrixF32(l.kProj());
                for (var l : layers) o.matrixF32(l.vProj());
                for (var l : layers) o.matrixF32(l.oProj());
                for (var l : layers) o.matrixF32(l.gateProj());
                for (var l : layers) o.matrixF32(l.downProj());
                for (var l : layers) o.matrixF32(l.upProj());
            }
            if (!w.tied()) o.matrixF32(w.lmHead());
            o.commit();
        }
    }

    /**
     * Writes version 2 with this group size (groupSize 0: 32 when every matrix is Q8_0, whose
     * blocks are then copied exactly; else export.py's 64, halved until it divides dim). Other
     * storage is quantized as export.py does: scale = max|w|/127 per group, round half to even.
     *
     * @param w         the weights, any storage format
     * @param out       the target file, replaced if it exists
     * @param groupSize values per scale, 0 for the default; must divide every matrix's element count
     * @throws IllegalArgumentException when groupSize is negative or does not divide a matrix, or
     *                                  rms_norm_eps is not 1e-5 or rope_theta not 10000 (as {@link #write})
     * @throws IOException when the file cannot be written
     */
    public static void writeV2(LlamaWeights w, Path out, int groupSize) throws IOException {
        checkRepresentable(w.config(), Llama2cV2.VERSION);
        Llama2cV2.write(w, out, groupSize == 0 ? Llama2cV2.defaultGroupSize(w) : groupSize);
    }

    /**
     * Refuses a config whose rms_norm_eps or rope_theta the format cannot carry: every version
     * lacks those fields, so a reader would run the model with 1e-5 and 10000 instead.
     */
    private static void checkRepresentable(LlamaConfig c, int version) {
        String field = null;
        float value = 0, assumed = 0;
        if (Float.compare(c.rmsNormEps(), EPS) != 0) {
            field = "rms_norm_eps";
            value = c.rmsNormEps();
            assumed = EPS;
        } else if (Float.compare(c.ropeTheta(), THETA) != 0) {
            field = "rope_theta";
            value = c.ropeTheta();
            assumed = THETA;
        }
        if (field != null) {
            throw new IllegalArgumentException("llama2.c version " + version + " has no field for " + field + ": the model's "
                    + value + " would be read back as " + assumed + "; write the Hugging Face format instead"
                    + " (HfCheckpoint.write, calx convert --to hf)");
        }
    }

    /** The RoPE cos and sin tables [seq_len][head_size/2] that version 0 still carries (as export.py writes them). */
    private static void writeRopeTables(LeWriter o, LlamaConfig c) throws IOException {
        int half = c.headDim() / 2;
        for (int pass = 0; pass < 2; pass++) {
            for (int p = 0; p < c.maxPositionEmbeddings(); p++) {
                for (int i = 0; i < half; i++) {
                    float freq = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim()));
                    float a = p * freq;
                    o.f32(pass == 0 ? (float) Math.cos(a) : (float) Math.sin(a));
                }
            }
        }
    }
}
