package dev.calx.autograd;

import dev.calx.autograd.internal.Kernels;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * Cross-entropy over rows of logits with an ignore index, fused with the log-softmax:
 * {@code loss = sum over counted rows of (logsumexp(logits[r]) - logits[r][target[r]]) / count}.
 * The forward keeps one log-sum-exp per row; the backward writes
 * {@code (softmax - onehot) * dLoss / count} straight into the logits' gradient, so the
 * probabilities are materialized once, in the gradient buffer itself.
 */
final class CrossEntropyOp extends Node {
    private Tensor logits;
    private int[] targets;
    private final int ignore;
    private final float count;
    private float[] lse;

    private CrossEntropyOp(Variable lv, Tensor logits, int[] targets, int ignore, float count, float[] lse) {
        super("crossEntropy", new int[0], lv);
        this.logits = logits;
        this.targets = targets;
        this.ignore = ignore;
        this.count = count;
        this.lse = lse;
    }

    static Variable apply(Variable lv, int[] targets, int ignoreIndex, float count) {
        Tensor logits = lv.value().contiguous();
        int rows = logits.rows(), v = logits.cols();
        if (targets.length != rows) {
            throw new ShapeException("crossEntropy: " + targets.length + " targets for the " + rows + " rows of logits "
                    + Arrays.toString(logits.shape()));
        }
        for (int i = 0; i < rows; i++) {
            if (targets[i] != ignoreIndex && (targets[i] < 0 || targets[i] >= v)) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + targets[i] + " at row " + i
                        + " is outside the vocabulary [0, " + v + ") and is not the ignore index " + ignoreIndex);
            }
        }
        if (!(count > 0) || Float.isInfinite(count)) {
            throw new IllegalArgumentException("crossEntropy: the token count must be positive and finite, got " + count);
        }
        float[] lse = new float[rows];
        double total = Kernels.crossEntropyForward(logits.data(), logits.offset(), rows, v, targets, ignoreIndex, lse);
        Tensor loss = Tensor.scalar((float) (total / count));
        if (!GradMode.recording(lv)) return Variable.result(loss, null);
        CrossEntropyOp node = new CrossEntropyOp(lv, logits, targets.clone(), ignoreIndex, count, lse);
        node.hold(4L + rows * 8L);
        return Variable.result(loss, node);
    }

    /** The number of targets that are not the ignore index. */
    static int counted(int[] targets, int ignoreIndex) {
        int n = 0;
        for (int t : targets) if (t != ignoreIndex) n++;
        return n;
    }

    @Override
    void backward(Tensor dy) {
        Tensor gl = gradOf(0);
        if (gl == null) return;
        float scale = dy.data()[dy.offset()] / count;
        Kernels.crossEntropyBackward(logits.data(), logits.offset(), logits.rows(), logits.cols(), targets, ignore, lse,
                scale, gl.data(), gl.offset());
    }

    @Override
    void releaseSaved() {
        logits = null;
        targets = null;
        lse = null;
    }
}
