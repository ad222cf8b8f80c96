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
 * <p>The cache holds, per layer, keys (after RoPE) and values head-major, [kvHeads][capacity][headDim]:
 * key/value head g's position p is at (g * capacity + p) * headDim, so each head's cached rows are
 * one contiguous run that attention reads front to back. It grows by doubling up to
 * {@link #maxLength()}. Position-major rows ([capacity][kvDim], every head in one row, as until
 * session 9) gave each head a strided walk of headDim floats per position, which decode reads
 * from DRAM (the weights stream through the caches between two visits of a layer) as many short
 * runs. stories110M shape at a context of 1000, {@code DecodeBoundCheck --context 1000 --rounds 4},
 * the commit before and this one alternated twice, fast-phase slices: Q8_0 187-204 tokens/s
 * position-major, 215-249 head-major; bf16 114-150 and 160-171 (benchmarks/README.md, session 9).
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
        this.keys = new float[o.keys.length][];
        this.values = new float[o.values.length][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = relayout(o.keys[l], capacity, capacity, position);
            values[l] = relayout(o.values[l], capacity, capacity, position);
        }
    }

    private void grow(int need) {
        if (need <= capacity) return;
        int cap = Math.min(maxLength, Math.max(need, capacity * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = relayout(keys[l], capacity, cap, position);
            values[l] = relayout(values[l], capacity, cap, position);
        }
        capacity = cap;
    }

    /** A new head-major cache of cap positions holding the first rows positions of old (capacity oldCap; null: none). */
    private float[] relayout(float[] old, int oldCap, int cap, int rows) {
        int hd = c.headDim(), kvHeads = c.numKeyValueHeads();
        float[] a = new float[Math.multiplyExact(kvHeads * hd, cap)];
        if (old != null) {
            for (int g = 0; g < kvHeads; g++) System.arraycopy(old, g * oldCap * hd, a, g * cap * hd, rows * hd);
        }
        return a;
    }

    /** The offset of kv head g's position p in a layer's cache. */
    private int cacheOffset(int g, int p) {
        return (g * capacity + p) * c.headDim();
    }

    /** Copies rows [0, t) of k and v ([t][kvDim]) into layer l's cache at positions pos0 .. pos0+t-1. */
    private void store(int l, Tensor k, Tensor v, int pos0) {
        int hd = c.headDim();
        float[] kd = k.data(), vd = v.data(), kc = keys[l], vc = values[l];
        for (int i = 0; i < k.rows(); i++) {
            int ko = k.rowOffset(i), vo = v.rowOffset(i);
            for (int g = 0; g < c.numKeyValueHeads(); g++) {
                int at = cacheOffset(g, pos0 + i);
                System.arraycopy(kd, ko + g * hd, kc, at, hd);
                System.arraycopy(vd, vo + g * hd, vc, at, hd);
            }
        }
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

    /** Writes row i of k and v ([rows][kvDim]) into layer l's cache at position(); valid after {@link #reserveOne}. */
    void storeOne(int l, Tensor k, Tensor v, int i) {
        store(l, k.slice(0, i, i + 1), v.slice(0, i, i + 1), position);
    }

    /**
     * Attention of one query per row of q ([rows][hiddenSize]; row i is this session's new
     * token, at position()) over this session's cache [0, position() + 1) into row i of out,
     * for query heads [h0, h1); exactly {@link #forward}'s attention for one new token.
     */
    void attendOne(Backend be, int l, Tensor q, Tensor out, int i, int h0, int h1, float[] scratch) {
        attendHeads(be, l, q.data(), q.rowOffset(i), out.data(), out.rowOffset(i), position, 1, h0, h1, scratch);
    }

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
        Tensor kn = Tensor.zeros(t, kv), vn = Tensor.zeros(t, kv);
        Tensor gate = Tensor.zeros(t, h), up = Tensor.zeros(t, h);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            LlamaWeights.Layer lw = w.layer(l);
            // attention block
            be.rmsNorm(x, lw.inputLayernorm(), c.rmsNormEps(), xb);
            be.matmul(xb, new WeightMatrix[]{lw.qProj(), lw.kProj(), lw.vProj()}, new Tensor[]{q, kn, vn});
            if (w.hfRopeOrder()) {
                toInterleaved(q, c.headDim());
                toInterleaved(kn, c.headDim());
            }
            be.rope(q, c.headDim(), pos0, c.ropeTheta(), false);
            be.rope(kn, c.headDim(), pos0, c.ropeTheta(), false);
            store(l, kn, vn, pos0);
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
        int len = pos0 + t;
        float[] qd = q.data(), od = out.data();
        Parallel.forRange(c.numAttentionHeads(), (long) t * len * c.headDim() * 4, (from, to) ->
                attendHeads(be, l, qd, 0, od, 0, pos0, t, from, to, new float[t * len]));
    }

    /**
     * Query heads [h0, h1) of {@link #attention} for the t queries at q[qo ..] (row stride
     * hiddenSize, positions pos0 ..), into out[oo ..]; sc holds at least t * (pos0 + t) floats.
     * Each head's keys and values are one run of the head-major cache (row stride headDim).
     */
    private void attendHeads(Backend be, int l, float[] qd, int qo, float[] od, int oo, int pos0, int t,
                             int h0, int h1, float[] sc) {
        int hd = c.headDim(), d = c.hiddenSize(), group = c.numAttentionHeads() / c.numKeyValueHeads(), len = pos0 + t;
        float scale = (float) (1 / Math.sqrt(hd));
        float[] kc = keys[l], vc = values[l];
        Tensor scores = Tensor.wrapAt(sc, 0, t, len);
        for (int head = h0; head < h1; head++) {
            int at = cacheOffset(head / group, 0);
            be.gemm(false, true, t, len, hd, scale, qd, qo + head * hd, d, kc, at, hd, 0f, sc, 0, len);
            be.softmax(scores, scores, true, pos0);
            be.gemm(false, false, t, hd, len, 1f, sc, 0, len, vc, at, hd, 0f, od, oo + head * hd, d);
        }
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
