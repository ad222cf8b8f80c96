package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.BF16Weights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F16Weights;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Q8Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GGUF checkpoints of the llama architecture (llama.cpp): F32, F16, BF16 and Q8_0 tensors,
 * memory-mapped. Tensor names map to Hugging Face names ({@code blk.N.attn_q.weight} is
 * {@code model.layers.N.self_attn.q_proj.weight}, ...). llama.cpp's converter stores q/k in the
 * interleaved RoPE order already, so no permutation is needed. The metadata, including the
 * tokenizer ({@code tokenizer.ggml.*}), is kept in {@link LlamaModel#metadata()}.
 */
public final class Gguf {
    static final int F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30;

    private Gguf() {}

    /**
     * True when the file starts with the GGUF magic.
     *
     * @param p any path
     * @return whether its first four bytes are "GGUF"; false when it cannot be read
     */
    public static boolean hasMagic(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            return ch.read(b) == 4 && b.getInt(0) == GgufFile.MAGIC;
        } catch (IOException e) {
            return false;
        }
    }

    /** The HF name of a GGUF llama tensor name, or null for names that are not Llama parameters. */
    static String hfName(String g) {
        switch (g) {
            case "token_embd.weight": return LlamaWeights.EMBED;
            case "output_norm.weight": return LlamaWeights.NORM;
            case "output.weight": return LlamaWeights.LM_HEAD;
            default: break;
        }
        if (!g.startsWith("blk.") || !g.endsWith(".weight")) return null;
        String rest = g.substring(4, g.length() - 7);
        int dot = rest.indexOf('.');
        if (dot < 0) return null;
        String layer = rest.substring(0, dot);
        String suffix = switch (rest.substring(dot + 1)) {
            case "attn_norm" -> "input_layernorm";
            case "attn_q" -> "self_attn.q_proj";
            case "attn_k" -> "self_attn.k_proj";
            case "attn_v" -> "self_attn.v_proj";
            case "attn_output" -> "self_attn.o_proj";
            case "ffn_norm" -> "post_attention_layernorm";
            case "ffn_gate" -> "mlp.gate_proj";
            case "ffn_up" -> "mlp.up_proj";
            case "ffn_down" -> "mlp.down_proj";
            default -> null;
        };
        return suffix == null ? null : "model.layers." + layer + "." + suffix + ".weight";
    }

    /**
     * An integer key that must fit an int, from {@code min} up: a GGUF uint64 of 2^32 + 768 must not
     * become 768, nor a float 12.5 become 12.
     */
    static int intNum(Map<String, Object> m, String key, long min, Path p) throws CheckpointException {
        Object o = m.get(key);
        if (o == null) throw new CheckpointException(p, "missing metadata " + key);
        // GgufFile reads every integer type as a Long
        if (!(o instanceof Long v)) throw new CheckpointException(p, "metadata " + key + " = " + o + " is not an integer");
        if (v < min || v > Integer.MAX_VALUE) {
            throw new CheckpointException(p, "metadata " + key + " = " + v + " is outside " + min + ".." + Integer.MAX_VALUE);
        }
        return v.intValue();
    }

    /** An optional real-valued key: its value, the default when absent, an error when it is not a number. */
    static double realNum(Map<String, Object> m, String key, double dflt, Path p) throws CheckpointException {
        Object o = m.get(key);
        if (o == null) return dflt;
        if (!(o instanceof Number n)) throw new CheckpointException(p, "metadata " + key + " = " + o + " is not a number");
        return n.doubleValue();
    }

    /**
     * The config from GGUF metadata (llama.* keys). Required: {@code head_count},
     * {@code embedding_length}, {@code feed_forward_length}, {@code block_count} and
     * {@code context_length}; {@code head_count_kv}, the RMSNorm epsilon (1e-5), the RoPE base
     * (10000) and the BOS/EOS ids (1, 2) have defaults. The vocabulary size comes from
     * {@code llama.vocab_size}, else the tokenizer, else the embedding; the head is tied when
     * there is no {@code output.weight}.
     *
     * @param g a parsed GGUF file
     * @return the hyper-parameters
     * @throws CheckpointException when the architecture is not llama, a required key is missing, a
     *                             count is not an integer that fits an int, RoPE is partial, or the
     *                             values are inconsistent
     */
    public static LlamaConfig config(GgufFile g) throws CheckpointException {
        Map<String, Object> m = g.metadata();
        Path p = g.path();
        Object arch = m.get("general.architecture");
        if (!"llama".equals(arch)) throw new CheckpointException(p, "general.architecture is " + arch + ", expected llama");
        int heads = intNum(m, "llama.attention.head_count", 1, p);
        int kvHeads = m.containsKey("llama.attention.head_count_kv") ? intNum(m, "llama.attention.head_count_kv", 1, p) : heads;
        int dim = intNum(m, "llama.embedding_length", 1, p);
        int vocab;
        if (m.containsKey("llama.vocab_size")) vocab = intNum(m, "llama.vocab_size", 1, p);
        else if (g.tokens() != null) vocab = g.tokens().size();
        else if (g.tensors().containsKey("token_embd.weight")) {
            long[] d = g.tensors().get("token_embd.weight").dims();
            if (d.length != 2 || d[1] > Integer.MAX_VALUE) {
                throw new CheckpointException(p, "token_embd.weight has dims " + java.util.Arrays.toString(d) + ", not [dim, vocab]");
            }
            vocab = (int) d[1];
        }
        else throw new CheckpointException(p, "no llama.vocab_size, tokenizer.ggml.tokens or token_embd.weight to take the vocabulary size from");
        if (m.containsKey("llama.rope.dimension_count") && (long) intNum(m, "llama.rope.dimension_count", 1, p) * heads != dim) {
            throw new CheckpointException(p, "llama.rope.dimension_count " + m.get("llama.rope.dimension_count")
                    + " is not the head dim " + dim / Math.max(1, heads) + " (partial RoPE is not supported)");
        }
        double eps = realNum(m, "llama.attention.layer_norm_rms_epsilon", 1e-5, p);
        double theta = realNum(m, "llama.rope.freq_base", 10000, p);
        int bos = m.containsKey("tokenizer.ggml.bos_token_id") ? intNum(m, "tokenizer.ggml.bos_token_id", -1, p) : 1;
        int eos = m.containsKey("tokenizer.ggml.eos_token_id") ? intNum(m, "tokenizer.ggml.eos_token_id", -1, p) : 2;
        try {
            return new LlamaConfig(dim, intNum(m, "llama.feed_forward_length", 1, p), intNum(m, "llama.block_count", 1, p),
                    heads, kvHeads, vocab, (float) eps, (float) theta, intNum(m, "llama.context_length", 1, p),
                    !g.tensors().containsKey("output.weight"), bos, eos);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(p, "inconsistent llama.* metadata: " + e.getMessage());
        }
    }

    /**
     * Reads only the config (for {@code calx info}); the file is unmapped before returning.
     *
     * @param path a GGUF file
     * @return the hyper-parameters, as {@link #config(GgufFile)} gives them
     * @throws CheckpointException when the header or the metadata is malformed
     * @throws IOException when the file cannot be read
     */
    public static LlamaConfig readConfig(Path path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            return config(GgufFile.open(path, a));
        }
    }

    /** ggml.h's names of the GGML tensor types by code; null for codes never used or since removed. */
    private static final String[] TYPE_NAMES = {
            "F32", "F16", "Q4_0", "Q4_1", null, null, "Q5_0", "Q5_1", "Q8_0", "Q8_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
            "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M",
            "BF16", null, null, null, "TQ1_0", "TQ2_0", null, null, null, "MXFP4"};

    /**
     * The name of a GGML tensor type, for messages.
     *
     * @param type the GGML type code of a tensor
     * @return ggml.h's name ("Q4_K" for 12), or "unknown" for a code it does not define
     */
    static String typeName(int type) {
        String n = type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : null;
        return n == null ? "unknown" : n;
    }

    /**
     * The storage format a load gives a GGUF tensor.
     *
     * @param path the file, named in the error
     * @param t    the tensor
     * @return F32, F16, BF16 or Q8_0
     * @throws CheckpointException naming the tensor and its GGML type (name and code) when the type
     *                             is none of those four
     */
    public static DType storage(Path path, GgufFile.TensorInfo t) throws CheckpointException {
        DType dt = dtype(t.type());
        if (dt == null) {
            throw new CheckpointException(path, t.name(), "GGML type " + typeName(t.type()) + " (" + t.type()
                    + ") is not supported (F32, F16, BF16, Q8_0)");
        }
        return dt;
    }

    /** The storage format of a GGUF tensor type, or null. */
    static DType dtype(int type) {
        return switch (type) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            case Q8_0 -> DType.Q8_0;
            default -> null;
        };
    }

    /**
     * Loads a GGUF llama model with its matrices memory-mapped in place (F32, F16, BF16 or Q8_0)
     * and its norm vectors copied to fp32. The metadata map holds every GGUF key plus
     * {@code gguf.version}. Prefer {@link LlamaModel#load(Path)}, which detects the format.
     *
     * @param path a GGUF file
     * @return the model, owning the mapping (close it)
     * @throws CheckpointException when the file is malformed, a tensor is missing, unexpected, of
     *                             the wrong shape or of an unsupported type
     * @throws IOException when the file cannot be read
     */
    public static LlamaModel read(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            GgufFile g = GgufFile.open(path, arena);
            LlamaConfig c = config(g);
            Map<String, GgufFile.TensorInfo> byHf = new LinkedHashMap<>();
            for (GgufFile.TensorInfo t : g.tensors().values()) {
                String hf = hfName(t.name());
                if (hf == null) {
                    if (t.name().equals("rope_freqs.weight")) continue;
                    throw new CheckpointException(path, t.name(), "not a tensor of the llama architecture");
                }
                try {
                    LlamaWeights.shapeOf(c, hf);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(path, t.name(), e.getMessage());
                }
                byHf.put(hf, t);
            }
            Map<String, Object> named = new LinkedHashMap<>();
            DType vec = DType.F32;
            for (String hf : LlamaWeights.names(c)) {
                GgufFile.TensorInfo t = byHf.get(hf);
                if (t == null) throw new CheckpointException(path, hf, "missing (GGUF name " + ggufName(hf) + ")");
                int[] want = LlamaWeights.shapeOf(c, hf);
                long[] dims = t.dims();
                // GGUF dims are innermost first: a [rows][cols] matrix is (cols, rows)
                long[] expected = want.length == 1 ? new long[]{want[0]} : new long[]{want[1], want[0]};
                if (!Arrays.equals(dims, expected)) {
                    throw new CheckpointException(path, t.name(), "expected GGUF dims " + Arrays.toString(expected)
                            + " from the metadata but found " + Arrays.toString(dims));
                }
                DType dt = storage(path, t);
                if (dt == DType.Q8_0 && dims[0] % Q8Weights.BLOCK != 0) {
                    throw new CheckpointException(path, t.name(), "Q8_0 row length " + dims[0] + " is not a multiple of 32");
                }
                MemorySegment s = g.data(t, dt.bytes(t.numel()));
                if (want.length == 1) {
                    if (dt == DType.Q8_0) throw new CheckpointException(path, t.name(), "a norm vector cannot be Q8_0");
                    String name = switch (dt) { case F32 -> "F32"; case F16 -> "F16"; default -> "BF16"; };
                    if (hf.equals(LlamaWeights.NORM)) vec = dt;
                    named.put(hf, Tensor.wrap(HfCheckpoint.toFloats(s, name, want[0]), new int[]{want[0]}));
                } else {
                    named.put(hf, matrix(s, dt, want[0], want[1]));
                }
            }
            Map<String, Object> meta = new LinkedHashMap<>(g.metadata());
            meta.put("gguf.version", g.version());
            return new LlamaModel(LlamaWeights.of(c, named).withVectorDType(vec), LlamaModel.Format.GGUF, path, arena, meta);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static WeightMatrix matrix(MemorySegment s, DType dt, int rows, int cols) {
        return switch (dt) {
            case F32 -> F32Weights.of(s, rows, cols);
            case F16 -> new F16Weights(s, rows, cols);
            case BF16 -> new BF16Weights(s, rows, cols);
            case Q8_0 -> new Q8Weights(s, rows, cols);
        };
    }

    static String ggufName(String hf) {
        if (hf.equals(LlamaWeights.EMBED)) return "token_embd.weight";
        if (hf.equals(LlamaWeights.NORM)) return "output_norm.weight";
        if (hf.equals(LlamaWeights.LM_HEAD)) return "output.weight";
        String rest = hf.substring("model.layers.".length(), hf.length() - ".weight".length());
        int dot = rest.indexOf('.');
        String s = switch (rest.substring(dot + 1)) {
            case "input_layernorm" -> "attn_norm";
            case "self_attn.q_proj" -> "attn_q";
            case "self_attn.k_proj" -> "attn_k";
            case "self_attn.v_proj" -> "attn_v";
            case "self_attn.o_proj" -> "attn_output";
            case "post_attention_layernorm" -> "ffn_norm";
            case "mlp.gate_proj" -> "ffn_gate";
            case "mlp.up_proj" -> "ffn_up";
            default -> "ffn_down";
        };
        return "blk." + rest.substring(0, dot) + "." + s + ".weight";
    }
}
