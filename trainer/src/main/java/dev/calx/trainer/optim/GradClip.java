package dev.calx.trainer.optim;

import java.util.List;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_} (norm 2): the norm of
 * all gradients together; every gradient is multiplied by {@code min(1, max/(norm + 1e-6))}.
 * The norm is accumulated in double. A non-finite norm (NaN or Inf anywhere) is returned as is
 * and nothing is scaled, so that the caller can stop with the last good checkpoint intact.
 */
public final class GradClip {
    private GradClip() { }

    /**
     * The global L2 norm of the gradients (the obvious loop; it is also the clipping pass's first half).
     *
     * @param params the parameters whose gradients are measured
     * @return the square root of the sum of squares of every gradient element; NaN or Inf when
     *         any element is
     */
    public static double globalNorm(List<Param> params) {
        double sum = 0;
        for (Param p : params) {
            float[] g = p.grad().data();
            for (int i = p.grad().offset(), e = i + p.grad().size(); i < e; i++) sum += (double) g[i] * g[i];
        }
        return Math.sqrt(sum);
    }

    /**
     * Clips in place when {@code maxNorm > 0}; returns the norm before clipping.
     *
     * @param params  the parameters whose gradients are scaled
     * @param maxNorm the largest global norm left after clipping; 0 or less disables clipping
     * @return the global norm before clipping (not finite when a gradient is not; then nothing is scaled)
     */
    public static double clip(List<Param> params, double maxNorm) {
        double norm = globalNorm(params);
        if (!Double.isFinite(norm) || maxNorm <= 0) return norm;
        float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
        if (coef < 1f) {
            for (Param p : params) {
                float[] g = p.grad().data();
                for (int i = p.grad().offset(), e = i + p.grad().size(); i < e; i++) g[i] *= coef;
            }
        }
        return norm;
    }

    /**
     * True when every gradient element is finite.
     *
     * @param params the parameters whose gradients are checked
     * @return whether the global norm is finite
     */
    public static boolean allFinite(List<Param> params) {
        return Double.isFinite(globalNorm(params));
    }
}
