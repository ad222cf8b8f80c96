package dev.calx.llama;

import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Numerics;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The parameters of a Llama model under their Hugging Face names: matrices as
 * {@link WeightMatrix} (any storage format, possibly memory-mapped), norm vectors as fp32
 * {@link Tensor}s. The head is tied when {@code lm_head} is the embedding itself.
 *
 * <p>Convention: RoPE rotates interleaved pairs (2i, 2i+1) of each head (Meta's / llama2.c's /
 * GGUF's order). Hugging Face files store the rows of q_proj and k_proj permuted for
 * rotate-half; weights read from them keep that order, so the mapped file is used without a copy,
 * and say so with {@link #hfRopeOrder()}: the inference session then reorders the few q/k
 * activations per token instead of the weights. {@link #interleaved()} gives the weights in the
 * interleaved order (a copy of q/k), which llama2.c writing and training use
 * (see {@code format.RopePermutation}).
 */
public final class LlamaWeights {
    /** HF name of the token embedding [vocab][hidden]. */
    public static final String EMBED = "model.embed_tokens.weight";
    /** HF name of the final RMSNorm weight [hidden]. */
    public static final String NORM = "model.norm.weight";
    /** HF name of the output head [vocab][hidden]; absent from tied checkpoints. */
    public static final String LM_HEAD = "lm_head.weight";

    /**
     * One decoder layer. Matrices are [out][in] (HF's {@code nn.Linear} layout, y = x·Wᵀ), with
     * d = hidden_size, kv = kvDim() and h = intermediate_size.
     *
     * @param inputLayernorm         RMSNorm weight before attention [d]
     * @param qProj                  query projection [d][d]
     * @param kProj                  key projection [kv][d]
     * @param vProj                  value projection [kv][d]
     * @param oProj                  attention output projection [d][d]
     * @param postAttentionLayernorm RMSNorm weight before the feed-forward [d]
     * @param gateProj               SwiGLU gate projection [h][d] (llama2.c's w1)
     * @param upProj                 SwiGLU up projection [h][d] (llama2.c's w3)
     * @param downProj               feed-forward output projection [d][h] (llama2.c's w2)
     */
    public record Layer(Tensor inputLayernorm, WeightMatrix qProj, WeightMatrix kProj, WeightMatrix vProj,
                        WeightMatrix oProj, Tensor postAttentionLayernorm, WeightMatrix gateProj,
                        WeightMatrix upProj, WeightMatrix downProj) {}

    private final LlamaConfig config;
    private final WeightMatrix embedTokens;
    private final List<Layer> layers;
    private final Tensor norm;
    private final WeightMatrix lmHead;
    private final DType vectorDType;
    private final boolean hfRopeOrder;

    private LlamaWeights(LlamaConfig config, WeightMatrix embedTokens, List<Layer> layers, Tensor norm,
                         WeightMatrix lmHead, DType vectorDType) {
        this(config, embedTokens, layers, norm, lmHead, vectorDType, false);
    }

    private LlamaWeights(LlamaConfig config, WeightMatrix embedTokens, List<Layer> layers, Tensor norm,
                         WeightMatrix lmHead, DType vectorDType, boolean hfRopeOrder) {
        this.hfRopeOrder = hfRopeOrder;
        this.config = config;
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.norm = norm;
        this.lmHead = lmHead;
        this.vectorDType = vectorDType;
    }

    /**
     * Name of a layer parameter, e.g. {@code layer(3, "self_attn.q_proj")}.
     *
     * @param i      the layer index (not checked)
     * @param suffix the parameter within the layer, without {@code .weight}
     * @return {@code model.layers.<i>.<suffix>.weight}
     */
    public static String layer(int i, String suffix) {
        return "model.layers." + i + "." + suffix + ".weight";
    }

    /**
     * The parameter names in checkpoint order (lm_head only when untied).
     *
     * @param c the config that fixes the layer count and whether the head is tied
     * @return the embedding, each layer's nine parameters, the final norm, then lm_head if untied
     */
    public static List<String> names(LlamaConfig c) {
        List<String> n = new ArrayList<>();
        n.add(EMBED);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            for (String s : LAYER_SUFFIXES) n.add(layer(i, s));
        }
        n.add(NORM);
        if (!c.tieWordEmbeddings()) n.add(LM_HEAD);
        return n;
    }

    static final List<String> LAYER_SUFFIXES = List.of("input_layernorm", "self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj", "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj",
            "mlp.down_proj");

    /**
     * The expected shape of a parameter: [rows][cols] for matrices, [n] for norm vectors.
     * Throws naming the parameter when the name is not a Llama parameter.
     *
     * @param c    the config giving the sizes
     * @param name an HF parameter name
     * @return a fresh array: {rows, cols} or {n}
     * @throws IllegalArgumentException when the name is not a parameter of this config (unknown
     *                                  suffix, or a layer index outside [0, num_hidden_layers))
     */
    public static int[] shapeOf(LlamaConfig c, String name) {
        int d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), v = c.vocabSize();
        if (name.equals(EMBED) || name.equals(LM_HEAD)) return new int[]{v, d};
        if (name.equals(NORM)) return new int[]{d};
        if (name.startsWith("model.layers.") && name.endsWith(".weight")) {
            String rest = name.substring("model.layers.".length(), name.length() - ".weight".length());
            int dot = rest.indexOf('.');
            if (dot > 0) {
                int i;
                try {
                    i = Integer.parseInt(rest.substring(0, dot));
                } catch (NumberFormatException e) {
                    i = -1;
                }
                if (i >= 0 && i < c.numHiddenLayers()) {
                    switch (rest.substring(dot + 1)) {
                        case "input_layernorm", "post_attention_layernorm" -> { return new int[]{d}; }
                        case "self_attn.q_proj", "self_attn.o_proj" -> { return new int[]{d, d}; }
                        case "self_attn.k_proj", "self_attn.v_proj" -> { return new int[]{kv, d}; }
                        case "mlp.gate_proj", "mlp.up_proj" -> { return new int[]{h, d}; }
                        case "mlp.down_proj" -> { return new int[]{d, h}; }
                        default -> { }
                    }
                }
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a parameter of a Llama model with "
                + c.numHiddenLayers() + " layers");
    }

    /**
     * Supplies the parameters by name (a checkpoint reader). Implementations throw an unchecked
     * exception naming the parameter when it is missing or has another shape.
     */
    public interface Source {
        /**
         * A weight matrix.
         *
         * @param name the HF name
         * @param rows the expected row count (output features)
         * @param cols the expected column count (input features)
         * @return the matrix, exactly [rows][cols], in any storage format
         */
        WeightMatrix matrix(String name, int rows, int cols);

        /**
         * A norm vector, as fp32.
         *
         * @param name the HF name
         * @param n    the expected length
         * @return a rank-1 fp32 tensor of n elements
         */
        Tensor vector(String name, int n);
    }

    /**
     * Builds the weights from a source, asking for every parameter by name with its expected
     * shape. When the config is tied, lm_head is the embedding.
     *
     * @param c           the config that fixes names and shapes
     * @param src         supplies each parameter, in checkpoint order; its exceptions propagate
     * @param vectorDType the storage format recorded for the norm vectors (see {@link #vectorDType()})
     * @return weights in the interleaved RoPE order (call {@link #withHfRopeOrder} for HF-ordered sources)
     */
    public static LlamaWeights load(LlamaConfig c, Source src, DType vectorDType) {
        int d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), v = c.vocabSize();
        WeightMatrix embed = src.matrix(EMBED, v, d);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(new Layer(
                    src.vector(layer(i, "input_layernorm"), d),
                    src.matrix(layer(i, "self_attn.q_proj"), d, d),
                    src.matrix(layer(i, "self_attn.k_proj"), kv, d),
                    src.matrix(layer(i, "self_attn.v_proj"), kv, d),
                    src.matrix(layer(i, "self_attn.o_proj"), d, d),
                    src.vector(layer(i, "post_attention_layernorm"), d),
                    src.matrix(layer(i, "mlp.gate_proj"), h, d),
                    src.matrix(layer(i, "mlp.up_proj"), h, d),
                    src.matrix(layer(i, "mlp.down_proj"), d, h)));
        }
        Tensor norm = src.vector(NORM, d);
        WeightMatrix head = c.tieWordEmbeddings() ? embed : src.matrix(LM_HEAD, v, d);
        return new LlamaWeights(c, embed, layers, norm, head, vectorDType);
    }

    /**
     * Builds weights from a map of named parameters (WeightMatrix or Tensor values), checking names and shapes.
     * Matrices may be {@link WeightMatrix}es or rank-2 fp32 tensors (wrapped, not copied, when
     * contiguous); vectors are tensors of the right size in any shape.
     *
     * @param c     the config
     * @param named parameters by HF name; lm_head is ignored when the config is tied
     * @return weights with fp32 vector storage, in the interleaved RoPE order
     * @throws IllegalArgumentException when a name is not a Llama parameter, a parameter is missing,
     *                                  or one has the wrong kind or shape
     */
    public static LlamaWeights of(LlamaConfig c, Map<String, ?> named) {
        for (String k : named.keySet()) shapeOf(c, k);
        return load(c, new Source() {
            @Override
            public WeightMatrix matrix(String name, int rows, int cols) {
                Object o = named.get(name);
                WeightMatrix w = switch (o) {
                    case WeightMatrix m -> m;
                    case Tensor t when t.rank() == 2 -> F32Weights.of(t.contiguous());
                    case null -> throw new IllegalArgumentException("missing parameter " + name);
                    default -> throw new IllegalArgumentException(name + ": expected a matrix, got " + o);
                };
                if (w.rows() != rows || w.cols() != cols) {
                    throw new IllegalArgumentException(name + ": expected shape [" + rows + ", " + cols + "] but got ["
                            + w.rows() + ", " + w.cols() + "]");
                }
                return w;
            }

            @Override
            public Tensor vector(String name, int n) {
                Object o = named.get(name);
                if (!(o instanceof Tensor t)) {
                    throw new IllegalArgumentException(o == null ? "missing parameter " + name : name + ": expected a vector, got " + o);
                }
                if (t.size() != n) {
                    throw new IllegalArgumentException(name + ": expected shape [" + n + "] but got " + Arrays.toString(t.shape()));
                }
                return t.contiguous().view(n);
            }
        }, DType.F32);
    }

    /**
     * Random weights for tests and benchmarks: matrices ~ N(0, 1/sqrt(cols)) so activations stay
     * O(1); norm weights ~ 1 + N(0, 0.1). Converted into the given storage format.
     * (The second argument of N is the standard deviation.)
     *
     * @param c     the config
     * @param dtype storage of the matrices; norm vectors are rounded to it (fp32 for Q8_0)
     * @param seed  seed of {@link Random}: the same seed gives the same weights
     * @return in-memory weights in the interleaved RoPE order
     */
    public static LlamaWeights random(LlamaConfig c, DType dtype, long seed) {
        Random rnd = new Random(seed);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : names(c)) {
            int[] s = shapeOf(c, name);
            Tensor t = Tensor.zeros(s);
            float[] a = t.data();
            if (s.length == 1) {
                for (int i = 0; i < a.length; i++) {
                    float v = 1f + 0.1f * (float) rnd.nextGaussian();
                    // representable in the vector storage format, so writers round-trip exactly
                    a[i] = switch (dtype) {
                        case BF16 -> Numerics.bf16ToFloat(Numerics.floatToBf16(v));
                        case F16 -> Numerics.f16ToFloat(Numerics.floatToF16(v));
                        default -> v;
                    };
                }
                m.put(name, t);
            } else {
                float std = (float) (1 / Math.sqrt(s[1]));
                for (int i = 0; i < a.length; i++) a[i] = std * (float) rnd.nextGaussian();
                m.put(name, WeightMatrix.convert(t, dtype));
            }
        }
        return of(c, m).withVectorDType(dtype == DType.Q8_0 ? DType.F32 : dtype);
    }

    /**
     * The same weights, recording the storage format their norm vectors should be written in.
     *
     * @param dt F32, BF16 or F16 (writers reject Q8_0 for vectors)
     * @return a copy sharing every parameter
     */
    public LlamaWeights withVectorDType(DType dt) {
        return new LlamaWeights(config, embedTokens, layers, norm, lmHead, dt, hfRopeOrder);
    }

    /**
     * The same weights, declaring whether q_proj/k_proj rows are in HF's rotate-half order.
     * Nothing is permuted: this only says how the rows already are.
     *
     * @param hf true when q_proj/k_proj rows are in HF's order
     * @return a copy sharing every parameter
     */
    public LlamaWeights withHfRopeOrder(boolean hf) {
        return new LlamaWeights(config, embedTokens, layers, norm, lmHead, vectorDType, hf);
    }

    /**
     * True when q_proj/k_proj rows are in Hugging Face's rotate-half order (weights read from HF files).
     *
     * @return whether q/k rows are HF-ordered
     */
    public boolean hfRopeOrder() { return hfRopeOrder; }

    /**
     * These weights with q_proj/k_proj rows in the interleaved order (this object when they already are).
     * The permuted q/k matrices are off-heap copies in their storage format, freed by the garbage
     * collector; every other parameter is shared.
     *
     * @return weights with {@code hfRopeOrder() == false}
     * @throws IllegalArgumentException when q/k are Q8_0 (rows cannot be permuted in that format)
     */
    public LlamaWeights interleaved() {
        if (!hfRopeOrder) return this;
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
        List<Layer> ls = new ArrayList<>();
        for (Layer l : layers) {
            ls.add(new Layer(l.inputLayernorm, dev.calx.llama.format.RopePermutation.fromHf(l.qProj, config.headDim(), arena),
                    dev.calx.llama.format.RopePermutation.fromHf(l.kProj, config.headDim(), arena), l.vProj, l.oProj,
                    l.postAttentionLayernorm, l.gateProj, l.upProj, l.downProj));
        }
        return new LlamaWeights(config, embedTokens, ls, norm, lmHead, vectorDType, false);
    }

    /** {@return the hyper-parameters} */
    public LlamaConfig config() { return config; }
    /** {@return the token embedding [vocab][hidden]} */
    public WeightMatrix embedTokens() { return embedTokens; }
    /** {@return the decoder layers, unmodifiable, in order} */
    public List<Layer> layers() { return layers; }
    /**
     * One decoder layer.
     *
     * @param i the layer index, from 0 to num_hidden_layers - 1
     * @return layer i
     * @throws IndexOutOfBoundsException when i is outside the layers
     */
    public Layer layer(int i) { return layers.get(i); }
    /** {@return the final RMSNorm weight [hidden], fp32} */
    public Tensor norm() { return norm; }
    /** {@return the output head [vocab][hidden]; the embedding itself when tied} */
    public WeightMatrix lmHead() { return lmHead; }
    /** {@return whether the head is the embedding object itself} */
    public boolean tied() { return lmHead == embedTokens; }

    /**
     * The storage format the norm vectors had in their file (what a writer should use for them).
     * In memory they are always fp32.
     *
     * @return F32, BF16 or F16
     */
    public DType vectorDType() { return vectorDType; }

    /**
     * The storage format of the embedding (the format a checkpoint is described by).
     *
     * @return the embedding's dtype; other matrices may differ (e.g. a mixed llama2.c version 2 load)
     */
    public DType storageDType() { return embedTokens.dtype(); }

    /**
     * All parameters in checkpoint order: name to WeightMatrix or Tensor (lm_head only when untied).
     *
     * @return a fresh, modifiable map over the shared parameters (no copies)
     */
    public Map<String, Object> named() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(EMBED, embedTokens);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Object[] vals = {l.inputLayernorm, l.qProj, l.kProj, l.vProj, l.oProj, l.postAttentionLayernorm,
                    l.gateProj, l.upProj, l.downProj};
            for (int k = 0; k < vals.length; k++) m.put(layer(i, LAYER_SUFFIXES.get(k)), vals[k]);
        }
        m.put(NORM, norm);
        if (!tied()) m.put(LM_HEAD, lmHead);
        return m;
    }

    /**
     * Bytes of weight storage (the head counted once when tied).
     *
     * @return the matrices' bytes in their storage format plus 4 bytes per norm-vector element
     */
    public long byteSize() {
        long n = 0;
        for (Object o : named().values()) {
            n += o instanceof WeightMatrix w ? w.byteSize() : 4L * ((Tensor) o).size();
        }
        return n;
    }

    /**
     * A copy with every matrix converted to the given storage format (heap/off-heap copies).
     * Matrices already in a non-F32 target format are shared rather than copied; F32 always gives
     * fresh heap tensors. Norm vectors are copied.
     *
     * @param to the target storage format of the matrices
     * @return the converted weights, keeping the RoPE order; vector dtype {@code to} (F32 for Q8_0)
     */
    public LlamaWeights convert(DType to) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e : named().entrySet()) {
            Object o = e.getValue();
            if (o instanceof WeightMatrix w) {
                m.put(e.getKey(), w.dtype() == to && to != DType.F32 ? w : WeightMatrix.convert(w.toTensor(), to));
            } else {
                m.put(e.getKey(), ((Tensor) o).copy());
            }
        }
        return of(config, m).withVectorDType(to == DType.Q8_0 ? DType.F32 : to).withHfRopeOrder(hfRopeOrder);
    }

    /**
     * Grows the vocabulary to n entries (added special tokens): the embedding and, when untied,
     * lm_head get new rows equal to the mean of their old rows; both become heap fp32 copies
     * (the rest is shared). The config's vocab_size follows.
     *
     * @param n the new vocabulary size, at least the current one (equal still copies to fp32)
     * @return weights with {@code config().vocabSize() == n}
     * @throws IllegalArgumentException when n is smaller than the current vocabulary
     */
    public LlamaWeights withVocabSize(int n) {
        int v = config.vocabSize(), d = config.hiddenSize();
        if (n < v) throw new IllegalArgumentException("withVocabSize: cannot shrink the vocabulary from " + v + " to " + n);
        LlamaConfig c = config.withVocabSize(n);
        WeightMatrix embed = grow(embedTokens, n, d);
        WeightMatrix head = tied() ? embed : grow(lmHead, n, d);
        return new LlamaWeights(c, embed, layers, norm, head, vectorDType, hfRopeOrder);
    }

    private static WeightMatrix grow(WeightMatrix w, int n, int d) {
        Tensor t = Tensor.zeros(n, d);
        float[] a = t.data();
        double[] mean = new double[d];
        for (int r = 0; r < w.rows(); r++) {
            w.rowToFloat(r, a, r * d);
            for (int i = 0; i < d; i++) mean[i] += a[r * d + i];
        }
        for (int r = w.rows(); r < n; r++) {
            for (int i = 0; i < d; i++) a[r * d + i] = (float) (mean[i] / w.rows());
        }
        return F32Weights.of(t);
    }

    /**
     * Trainable fp32 copies on the heap, in the interleaved RoPE order: every matrix becomes an {@link F32Weights} over a heap
     * tensor, so an optimizer updating the tensors (from {@link F32Weights#heapTensor()}) is seen
     * by inference sessions built on these weights.
     *
     * @return fresh heap fp32 weights with {@code hfRopeOrder() == false} and vector dtype F32
     */
    public LlamaWeights toHeapF32() {
        return interleaved().convert(DType.F32).withVectorDType(DType.F32);
    }
}
