package dev.calx.llama;

import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Parallel;
import dev.calx.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;

/**
 * One decode step for several sequences at once. Each sequence is an ordinary
 * {@link InferenceSession} of the same model with its own KV cache and position; {@link #step}
 * takes one next token per session and runs them as one forward: the embedding, every
 * projection, the MLP and the head are one {@code matmul} over the rows of all sequences (a
 * GEMM instead of one GEMV per sequence), while attention runs per sequence against its own
 * cache at its own position. Afterwards each session is exactly as if {@code append(token)}
 * had been called on it (its cache holds the new key/value, its position moved by one), so a
 * caller may mix batched steps with per-session {@code append} (prefill of tool output),
 * {@code rollback} and {@code fork}.
 *
 * <p>On the CPU with fp32 weights the projections use {@link SmallBatchMatmul}, which reads
 * each weight row once for all sequences and computes every row the same way whoever shares the
 * step. Otherwise they go to the backend's {@code matmul} with the rows padded to a fixed width
 * ({@link #width()}, at least {@link #MIN_WIDTH}), so that every step takes the same GEMM path
 * whatever the number of live sequences. Either way a sequence's logits do not depend on which
 * or how many other sequences share its step, so a batched evaluation gives the same greedy
 * transcripts whatever its batch size. They agree with {@code append} (a GEMV) up to float
 * rounding, not bit for bit.
 *
 * <p>Not thread-safe: one step at a time; the sessions must not be used by others meanwhile.
 */
public final class LlamaBatch {
    /** Below this many rows the CPU backend switches to row-wise kernels (GEMV / small GEMM). */
    public static final int MIN_WIDTH = 8;

    private final LlamaWeights w;
    private final LlamaConfig c;
    private final int maxSequences;
    private final int width;
    /** fp32 weights on the CPU: the small-batch kernel, no padding. */
    private final boolean smallBatchKernel;

    /**
     * A batch of at most maxSequences sessions over these weights. Whether the small-batch kernel
     * is used is decided here, from the weights' storage and the backend current at construction.
     *
     * @param weights      the weights every session of a step must have been opened on (same object)
     * @param maxSequences the most sessions one step takes, at least 1
     * @throws IllegalArgumentException when maxSequences is less than 1
     */
    public LlamaBatch(LlamaWeights weights, int maxSequences) {
        if (maxSequences < 1) throw new IllegalArgumentException("a batch needs at least one sequence, got " + maxSequences);
        this.w = weights;
        this.c = weights.config();
        this.maxSequences = maxSequences;
        this.width = Math.max(MIN_WIDTH, maxSequences);
        boolean f32 = SmallBatchMatmul.supports(weights.lmHead());
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            LlamaWeights.Layer lw = weights.layer(l);
            for (var m : new dev.calx.tensor.WeightMatrix[]{lw.qProj(), lw.kProj(), lw.vProj(), lw.oProj(), lw.gateProj(), lw.upProj(), lw.downProj()}) {
                f32 &= SmallBatchMatmul.supports(m);
            }
        }
        this.smallBatchKernel = f32 && "cpu".equals(Backends.get().name());
    }

    /**
     * A batch over a model's weights, for sessions from {@link LlamaModel#newSession()}.
     *
     * @param model        the model; it must stay open while the batch is used
     * @param maxSequences the most sessions one step takes, at least 1
     * @throws IllegalArgumentException when maxSequences is less than 1
     */
    public LlamaBatch(LlamaModel model, int maxSequences) {
        this(model.weights(), maxSequences);
    }

    /**
     * The most sessions one {@link #step} takes.
     *
     * @return the maxSequences given at construction
     */
    public int maxSequences() {
        return maxSequences;
    }

    /**
     * The padded row count when the backend's GEMM runs the projections (the small-batch kernel
     * runs only the live rows). Not a limit on the sessions of a step: that is {@link #maxSequences()}.
     *
     * @return max(maxSequences, {@link #MIN_WIDTH})
     */
    public int width() {
        return width;
    }

    /**
     * Appends tokens[i] to sessions.get(i) for every i in one forward and returns each session's
     * logits [vocab] (fresh arrays, in the same order). Every session must have been opened on
     * these weights ({@link LlamaModel#newSession}), be open, distinct, and have room for one
     * more token; otherwise nothing is run and the error names the session's index.
     *
     * @param sessions the sessions to advance, at most {@link #maxSequences()}, each from these weights
     * @param tokens   one next token per session, in the same order
     * @return one fresh logits array [vocab] per session; an empty array when there are no sessions
     * @throws IllegalArgumentException when the counts differ, there are more than maxSequences() sessions,
     *                                  a session is foreign or listed twice, or a token is outside the vocabulary
     * @throws ContextOverflowException when a session is full
     * @throws IllegalStateException    when a session is closed
     */
    public float[][] step(List<? extends InferenceSession> sessions, int[] tokens) {
        int n = sessions.size();
        if (n != tokens.length) throw new IllegalArgumentException("step: " + n + " sessions but " + tokens.length + " tokens");
        if (n == 0) return new float[0][];
        if (n > maxSequences) {
            throw new IllegalArgumentException("step: " + n + " sessions, but this batch was built for at most "
                    + maxSequences + " (maxSequences)");
        }
        LlamaSession[] s = new LlamaSession[n];
        IdentityHashMap<LlamaSession, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            if (!(sessions.get(i) instanceof LlamaSession ls) || ls.weights() != w) {
                throw new IllegalArgumentException("step: session " + i + " was not opened on this batch's model");
            }
            Integer dup = seen.put(ls, i);
            if (dup != null) throw new IllegalArgumentException("step: sessions " + dup + " and " + i + " are the same session");
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("step: token " + tokens[i] + " of session " + i
                        + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            ls.checkOpen();
            if (ls.position() + 1 > ls.maxLength()) throw new ContextOverflowException(ls.maxLength(), ls.position() + 1);
            s[i] = ls;
        }
        for (LlamaSession ls : s) ls.reserveOne();
        return forward(s, tokens);
    }

    private float[][] forward(LlamaSession[] s, int[] tokens) {
        Backend be = Backends.get();
        int n = s.length, r = smallBatchKernel ? n : width, d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize(), hd = c.headDim();
        int[] ids = new int[r]; // padding rows embed token 0; their outputs are never read
        System.arraycopy(tokens, 0, ids, 0, n);
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = s[i].position();
        Tensor x = Tensor.zeros(r, d);
        be.embedding(w.embedTokens(), ids, x);
        Tensor xb = Tensor.zeros(r, d), q = Tensor.zeros(r, d), att = Tensor.zeros(r, d), o = Tensor.zeros(r, d);
        Tensor k = Tensor.zeros(r, kv), v = Tensor.zeros(r, kv);
        Tensor gate = Tensor.zeros(r, h), up = Tensor.zeros(r, h);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            LlamaWeights.Layer lw = w.layer(l);
            be.rmsNorm(x, lw.inputLayernorm(), c.rmsNormEps(), xb);
            project(be, xb, lw.qProj(), q);
            project(be, xb, lw.kProj(), k);
            project(be, xb, lw.vProj(), v);
            if (w.hfRopeOrder()) {
                LlamaSession.toInterleaved(q, hd);
                LlamaSession.toInterleaved(k, hd);
            }
            for (int i = 0; i < n; i++) {
                be.rope(q.slice(0, i, i + 1), hd, pos[i], c.ropeTheta(), false);
                be.rope(k.slice(0, i, i + 1), hd, pos[i], c.ropeTheta(), false);
                s[i].storeOne(l, k, v, i);
            }
            attention(be, l, s, pos, q, att);
            project(be, att, lw.oProj(), o);
            be.add(x, o, x);
            be.rmsNorm(x, lw.postAttentionLayernorm(), c.rmsNormEps(), xb);
            project(be, xb, lw.gateProj(), gate);
            project(be, xb, lw.upProj(), up);
            be.swiglu(gate, up, gate);
            project(be, gate, lw.downProj(), o);
            be.add(x, o, x);
        }
        be.rmsNorm(x, w.norm(), c.rmsNormEps(), xb);
        Tensor logits = Tensor.zeros(r, c.vocabSize());
        project(be, xb, w.lmHead(), logits);
        float[][] out = new float[n][c.vocabSize()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(logits.data(), logits.rowOffset(i), out[i], 0, c.vocabSize());
            s[i].advance();
        }
        return out;
    }

    private void project(Backend be, Tensor x, dev.calx.tensor.WeightMatrix m, Tensor y) {
        if (smallBatchKernel) SmallBatchMatmul.matmul(x, m, y);
        else be.matmul(x, m, y);
    }

    /**
     * Attention of each sequence's one new query over its own cache [0, pos + 1), per query head
     * exactly as {@link LlamaSession}'s attention with one new token (same GEMMs, same softmax),
     * spread over (sequence, head) pairs.
     */
    private void attention(Backend be, int l, LlamaSession[] s, int[] pos, Tensor q, Tensor out) {
        int heads = c.numAttentionHeads();
        int maxLen = 0;
        for (int p : pos) maxLen = Math.max(maxLen, p + 1);
        int scratch = maxLen;
        Parallel.forRange(s.length * heads, (long) maxLen * c.headDim() * 4, (from, to) -> {
            float[] sc = new float[scratch];
            for (int job = from; job < to; job++) {
                int i = job / heads, head = job % heads;
                s[i].attendOne(be, l, q, out, i, head, head + 1, sc);
            }
        });
    }
}
