package dev.calx.trainer.optim;

import dev.calx.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW with decoupled weight decay and bias correction, computed as {@code torch.optim.AdamW}
 * does (single-tensor path): {@code p *= 1 - lr*wd; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * p -= (lr/(1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}, in fp32 with the scalar factors
 * computed in double and rounded to float, as PyTorch does when it applies a Python scalar to a
 * float tensor. State (m, v per parameter, step count) is created lazily and can be saved and
 * restored for exact resume.
 */
public final class AdamW {
    /**
     * Hyper-parameters; {@code decays} says which parameters get weight decay (by name).
     *
     * @param beta1       decay rate of the first moment (torch default 0.9)
     * @param beta2       decay rate of the second moment (torch default 0.999)
     * @param eps         added to the bias-corrected square root of the second moment
     * @param weightDecay decoupled decay: each update multiplies a decayed parameter by
     *                    {@code 1 - lr * weightDecay}
     * @param decays      true for the parameter names that get weight decay
     */
    public record Config(double beta1, double beta2, double eps, double weightDecay, Predicate<String> decays) {
        /**
         * torch defaults (0.9, 0.999, 1e-8) with the given decay, applied to every parameter but norms and biases.
         *
         * @param weightDecay the decoupled weight decay (0 for none)
         * @return the configuration, with {@link #decaysByDefault} as the decay rule
         */
        public static Config of(double weightDecay) {
            return new Config(0.9, 0.999, 1e-8, weightDecay, AdamW::decaysByDefault);
        }
    }

    /**
     * Hugging Face's Trainer rule: no decay for biases and normalization weights.
     *
     * @param name a parameter's checkpoint name
     * @return false for names ending in {@code .bias} or {@code norm.weight}, true otherwise
     */
    public static boolean decaysByDefault(String name) {
        return !(name.endsWith(".bias") || name.endsWith("norm.weight"));
    }

    /**
     * Moments of one parameter, one element per parameter element in the parameter's flat
     * (row-major) order.
     *
     * @param m the first moment ({@code exp_avg} in checkpoints)
     * @param v the second moment ({@code exp_avg_sq} in checkpoints)
     */
    public record Moments(float[] m, float[] v) { }

    private final Config cfg;
    private final Map<String, Moments> state = new LinkedHashMap<>();
    private long step;

    /**
     * An optimizer with no state yet: moments are created on each parameter's first update.
     *
     * @param cfg the hyper-parameters
     */
    public AdamW(Config cfg) {
        this.cfg = cfg;
    }

    /**
     * Updates made so far, restored on resume.
     *
     * @return the step count (the {@code t} of the bias corrections)
     */
    public long step() { return step; }

    /**
     * The live state, not a copy: checkpoints read it, and later updates write into its arrays.
     *
     * @return the moments by parameter name, in the order the parameters were first updated
     */
    public Map<String, Moments> state() { return state; }

    /**
     * Restores the state saved by a checkpoint (the arrays are taken, not copied).
     *
     * @param step    the number of updates the saved state had made
     * @param moments the moments by parameter name; replace the whole current state
     */
    public void restore(long step, Map<String, Moments> moments) {
        this.step = step;
        state.clear();
        state.putAll(moments);
    }

    /**
     * One update of every parameter with learning rate {@code lr}. Not thread-safe. All the
     * parameters are checked against their saved moments first, so when it throws nothing has
     * changed: no parameter, moment or step count.
     *
     * @param params the parameters, updated in place from their current gradients
     * @param lr     the learning rate of this update (the schedule already applied)
     * @throws IllegalStateException when a parameter's saved moments have a different element count
     */
    public void update(List<Param> params, double lr) {
        Map<String, Integer> sizes = new java.util.HashMap<>();
        for (Param p : params) {
            int n = p.value().size();
            Moments mo = state.get(p.name());
            if (mo != null && (mo.m.length != n || mo.v.length != n)) {
                throw new IllegalStateException("AdamW state for " + p.name() + " has " + mo.m.length + " (exp_avg) and "
                        + mo.v.length + " (exp_avg_sq) elements but the parameter has " + n);
            }
            Integer earlier = sizes.putIfAbsent(p.name(), n);
            if (earlier != null && earlier != n) {
                throw new IllegalStateException("parameter name " + p.name() + " is given twice, with " + earlier + " and " + n + " elements");
            }
        }
        step++;
        double bc1 = 1 - Math.pow(cfg.beta1, step);
        double bc2 = 1 - Math.pow(cfg.beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) cfg.beta1, b2 = (float) cfg.beta2, a1 = (float) (1 - cfg.beta1), a2 = (float) (1 - cfg.beta2);
        float eps = (float) cfg.eps;
        for (Param p : params) {
            int n = p.value().size();
            Moments mo = state.computeIfAbsent(p.name(), k -> new Moments(new float[n], new float[n]));
            float decay = cfg.decays.test(p.name()) ? (float) (1 - lr * cfg.weightDecay) : 1f;
            Tensor val = p.value(), grad = p.grad();
            float[] w = val.data(), g = grad.data(), m = mo.m, v = mo.v;
            int wo = val.offset(), go = grad.offset();
            for (int i = 0; i < n; i++) {
                float gi = g[go + i];
                float pi = w[wo + i] * decay;
                float mi = m[i] * b1 + gi * a1;
                float vi = v[i] * b2 + a2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                w[wo + i] = pi + (-stepSize) * mi / denom;
            }
            val.touch();
        }
    }
}
