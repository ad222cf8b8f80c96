package dev.calx.llama;

import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Parallel;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.util.Arrays;

/**
 * The inference forward with a KV cache. {@link #append} runs T new tokens as one batch: every
 * projection is one {@code matmul} with T rows (a GEMM when T > 1, a GEMV when T = 1), and
 * attention for each head is a GEMM of the new queries against all cached keys followed by a
 * causal softmax and a GEMM with the cached values. Long prompts are split into chunks of
 * {@link #CHUNK} tokens to bound the scratch memory.
 *
 * <p>The cache holds, per layer, keys and values [capacity][kvDim] (after RoPE for keys); it
 * grows by doubling up to {@link #maxLength()}.
 */
final class LlamaSession implements InferenceSession {
    static final int CHUNK = 512;

    private final LlamaWeights w;
    private final LlamaConfig c;
    private final int maxLength;
    private float[][] keys, values;
    private int capacity, position;
    private boolean closed;

    LlamaSession(LlamaWeights weights, int maxLength) {
        this.w = weights;
        this.c = weights.config();
        if (maxLength <= 0) throw new IllegalArgumentException("session length must be positive, got " + maxLength);
        this.maxLength = maxLength;
        this.keys = new float[c.numHiddenLayers()][];
        this.values = new float[c.numHiddenLayers()][];
        grow(Math.min(maxLength, 64));
    }

    private LlamaSession(LlamaSession o) {
        this.w = o.w;
        this.c = o.c;
        this.maxLength = o.maxLength;
        this.capacity = o.capacity;
        this.position = o.position;
        int kv = c.kvDim();
        this.keys = new float[o.keys.length][];
        this.values = new float[o.values.length][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = new float[capacity * kv];
            values[l] = new float[capacity * kv];
            System.arraycopy(o.keys[l], 0, keys[l], 0, position * kv);
            System.arraycopy(o.values[l], 0, values[l], 0, position * kv);
        }
    }

    private void grow(int need) {
        if (need <= capacity) return;
        int cap = Math.min(maxLength, Math.max(need, capacity * 2));
        int kv = c.kvDim();
        for (int l = 0; l < keys.length; l++) {
            keys[l] = keys[l] == null ? new float[cap * kv] : Arrays.copyOf(keys[l], cap * kv);
            values[l] = values[l] == null ? new float[cap * kv] : Arrays.copyOf(values[l], cap * kv);
        }
        capacity = cap;
    }

    @Override public int position() { return position; }
    @Override public int maxLength() { return maxLength; }
    @Override public int vocabSize() { return c.vocabSize(); }

    /** The weights this session reads (shared, not copied). */
    LlamaWeights weights() { return w; }

    // ---------------------------------------------------------------- for LlamaBatch

    /** Makes room for one more token (or throws as {@link #append} would) without running it. */
    void reserveOne() {
        checkOpen();
        if (position + 1 > maxLength) throw new ContextOverflowException(maxLength, position + 1);
        grow(position + 1);
    }

    /** Layer l's key cache [capacity][kvDim]; valid after {@link #reserveOne}. */
    float[] keyCache(int l) { return keys[l]; }

    /** Layer l's value cache [capacity][kvDim]; valid after {@link #reserveOne}. */
    float[] valueCache(int l) { return values[l]; }

    /** The token at position() has been written to the cache by a batched step. */
    void advance() { position++; }

    @Override
    public float[] append(int... tokens) {
        checkOpen();
        if (tokens.length == 0) throw new IllegalArgumentException("append: no tokens");
        if (position + tokens.length > maxLength) {
            throw new ContextOverflowException(maxLength, position + tokens.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("append: token " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
        }
        grow(position + tokens.length);
        float[] logits = null;
        for (int from = 0; from < tokens.length; from += CHUNK) {
            int to = Math.min(tokens.length, from + CHUNK);
            Tensor last = forward(Arrays.copyOfRange(tokens, from, to));
            if (to == tokens.length) logits = logits(last);
        }
        return logits;
    }

    /** Runs tokens at positions position().. and returns the final hidden state of the last one [1][dim]. */
    private Tensor forward(int[] tokens) {
        Backend be = Backends.get();
        int t = tokens.length, d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize();
        int pos0 = position;
        Tensor x = Tensor.zeros(t, d);
        be.embedding(w.embedTokens(), tokens, x);
        Tensor xb = Tensor.zeros(t, d), q = Tensor.zeros(t, d), att = Tensor.zeros(t, d), o = Tensor.zeros(t, d);
        Tensor gate = Tensor.zeros(t, h), up = Tensor.zeros(t, h);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            LlamaWeights.Layer lw = w.layer(l);
            // attention block
            be.rmsNorm(x, lw.inputLayernorm(), c.rmsNormEps(), xb);
            Tensor kc = Tensor.wrapAt(keys[l], pos0 * kv, new int[]{t, kv});
            Tensor vc = Tensor.wrapAt(values[l], pos0 * kv, new int[]{t, kv});
            be.matmul(xb, new WeightMatrix[]{lw.qProj(), lw.kProj(), lw.vProj()}, new Tensor[]{q, kc, vc});
            if (w.hfRopeOrder()) {
                toInterleaved(q, c.headDim());
                toInterleaved(kc, c.headDim());
            }
            be.rope(q, c.headDim(), pos0, c.ropeTheta(), false);
            be.rope(kc, c.headDim(), pos0, c.ropeTheta(), false);
            attention(be, l, q, att, pos0, t);
            be.matmul(att, lw.oProj(), o);
            be.add(x, o, x);
            // feed-forward block
            be.rmsNorm(x, lw.postAttentionLayernorm(), c.rmsNormEps(), xb);
            be.matmul(xb, new WeightMatrix[]{lw.gateProj(), lw.upProj()}, new Tensor[]{gate, up});
            be.swiglu(gate, up, gate);
            be.matmul(gate, lw.downProj(), o);
            be.add(x, o, x);
        }
        position = pos0 + t;
        return x.slice(0, t - 1, t);
    }

    /**
     * Weights read from a HF file keep q/k rows in rotate-half order (no copy at load); their
     * outputs are put in the interleaved order here, per row and head: element p*hd/2 + i goes
     * to 2i + p. That is hd floats per head and token, nothing next to the matmuls.
     */
    static void toInterleaved(Tensor x, int hd) {
        float[] d = x.data(), tmp = new float[hd];
        int half = hd / 2;
        for (int r = 0; r < x.rows(); r++) {
            int o = x.rowOffset(r);
            for (int h = 0; h < x.cols(); h += hd) {
                System.arraycopy(d, o + h, tmp, 0, hd);
                for (int i = 0; i < half; i++) {
                    d[o + h + 2 * i] = tmp[i];
                    d[o + h + 2 * i + 1] = tmp[half + i];
                }
            }
        }
    }

    /**
     * Causal attention of the t new queries over the cache [0, pos0 + t): per query head,
     * scores = q·Kᵀ/sqrt(hd) (GEMM), causal softmax, out = P·V (GEMM). Query head i reads the
     * key/value head i / (heads / kvHeads) (grouped-query attention).
     */
    private void attention(Backend be, int l, Tensor q, Tensor out, int pos0, int t) {
        int heads = c.numAttentionHeads(), hd = c.headDim(), d = c.hiddenSize(), kv = c.kvDim();
        int group = heads / c.numKeyValueHeads(), len = pos0 + t;
        float scale = (float) (1 / Math.sqrt(hd));
        float[] kc = keys[l], vc = values[l], qd = q.data(), od = out.data();
        Parallel.forRange(heads, (long) t * len * hd * 4, (from, to) -> {
            float[] sc = new float[t * len];
            Tensor scores = Tensor.wrap(sc, new int[]{t, len});
            for (int head = from; head < to; head++) {
                int g = head / group;
                be.gemm(false, true, t, len, hd, scale, qd, head * hd, d, kc, g * hd, kv, 0f, sc, 0, len);
                be.softmax(scores, scores, true, pos0);
                be.gemm(false, false, t, hd, len, 1f, sc, 0, len, vc, g * hd, kv, 0f, od, head * hd, d);
            }
        });
    }

    private float[] logits(Tensor last) {
        Backend be = Backends.get();
        Tensor xn = Tensor.zeros(1, c.hiddenSize());
        be.rmsNorm(last, w.norm(), c.rmsNormEps(), xn);
        Tensor logits = Tensor.zeros(1, c.vocabSize());
        be.matmul(xn, w.lmHead(), logits);
        return logits.data();
    }

    @Override
    public void rollback(int p) {
        checkOpen();
        if (p < 0 || p > position) {
            throw new IllegalArgumentException("rollback to " + p + ": must be between 0 and the current position " + position);
        }
        position = p;
    }

    @Override
    public InferenceSession fork() {
        checkOpen();
        return new LlamaSession(this);
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("the inference session is closed");
    }

    @Override
    public void close() {
        closed = true;
        keys = values = null;
    }
}
