package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Finite-difference check of the gradients that backward computes. The function is reduced to
 * a scalar {@code L = sum(f() * R)} with a fixed random R (unless f is already a scalar), the
 * analytic gradients come from one backward, and the numeric ones from central differences
 * {@code (L(p + eps) - L(p - eps)) / 2eps} with L summed in double. The engine is fp32, so eps
 * must stay large enough (1e-2 .. 1e-3) for the rounding of f to be small against eps·L'.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Per-parameter outcome: the worst element and whether every element was within tolerance.
     *
     * @param parameter   the parameter's name, or "paramI" for the I-th unnamed one
     * @param checked     how many elements were perturbed
     * @param maxAbsError the largest {@code |analytic - numeric|} over them: NaN when a gradient was
     *                    NaN (or both infinite with one sign), then for the first such element;
     *                    -1 when none was checked
     * @param worstIndex  the element (flat row-major index) with that error, -1 when none
     * @param analytic    backward's gradient at that element
     * @param numeric     the finite-difference gradient at that element
     * @param ok          whether every checked element passed the tolerance (false when a gradient
     *                    was NaN or infinite)
     */
    public record Entry(String parameter, int checked, double maxAbsError, int worstIndex, double analytic,
                        double numeric, boolean ok) {}

    /**
     * The outcome for all parameters; {@link #assertOk()} fails with a readable message.
     *
     * @param entries one entry per parameter, in the order they were given
     */
    public record Report(List<Entry> entries) {
        /** {@return whether every parameter passed} */
        public boolean ok() {
            return entries.stream().allMatch(Entry::ok);
        }

        /**
         * For tests: throws unless every parameter passed.
         *
         * @throws AssertionError listing every parameter's outcome, if one failed
         */
        public void assertOk() {
            if (!ok()) throw new AssertionError("gradient check failed:\n" + this);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Entry e : entries) {
                sb.append(String.format("  %s: %s, %d elements, max |analytic - numeric| = %.3g at %d (analytic %.6g, numeric %.6g)%n",
                        e.parameter(), e.ok() ? "ok" : "FAILED", e.checked(), e.maxAbsError(), e.worstIndex(),
                        e.analytic(), e.numeric()));
            }
            return sb.toString();
        }
    }

    /**
     * Checks the gradients of f with respect to params. At most maxElements randomly chosen,
     * distinct elements per parameter are perturbed. An element passes when both gradients are
     * finite and {@code |analytic - numeric| <= atol + rtol * |numeric|}; a NaN or infinite
     * analytic or numeric gradient fails.
     *
     * <p>Drops the parameters' existing gradients ({@link Variable#clearGrad()}) and leaves them
     * holding the analytic ones; the parameter values are restored after each perturbation.
     * f is called 1 + 2 * (checked elements) times and must be deterministic.
     *
     * @param f           builds the value to check from the current parameter values, recording
     * @param params      the parameters to check; their values must be contiguous
     * @param eps         the perturbation added to and subtracted from each element
     * @param rtol        relative tolerance
     * @param atol        absolute tolerance
     * @param maxElements the most elements checked per parameter (distinct ones drawn at random
     *                    when the parameter is larger)
     * @param seed        seeds the projection R and the choice of elements
     * @return one entry per parameter
     * @throws IllegalArgumentException if a parameter's value is not contiguous
     */
    public static Report check(Supplier<Variable> f, List<Variable> params, double eps, double rtol, double atol,
                               int maxElements, long seed) {
        Random rnd = new Random(seed);
        Variable out = f.get();
        Tensor r = null;
        if (out.value().size() != 1) {
            r = Tensor.zeros(out.shape());
            float[] rd = r.data();
            for (int i = 0; i < rd.length; i++) rd[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (Variable p : params) p.clearGrad();
        out.backward(r);
        List<Entry> entries = new ArrayList<>();
        for (int pi = 0; pi < params.size(); pi++) {
            Variable p = params.get(pi);
            Tensor v = p.value();
            if (!v.isContiguous()) throw new IllegalArgumentException("GradCheck: parameter " + p + " is not contiguous");
            Tensor g = p.grad();
            int n = v.size();
            int[] idx = pick(n, maxElements, rnd);
            double worst = -1, wa = 0, wn = 0;
            int wi = -1;
            boolean ok = true;
            float[] d = v.data();
            for (int i : idx) {
                int at = v.offset() + i;
                float orig = d[at];
                d[at] = (float) (orig + eps);
                double plus = eval(f, r);
                d[at] = (float) (orig - eps);
                double minus = eval(f, r);
                d[at] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double analytic = g == null ? 0 : g.data()[g.offset() + i];
                double err = Math.abs(analytic - numeric);
                // written so that NaN fails: every comparison with NaN is false
                boolean pass = Double.isFinite(analytic) && Double.isFinite(numeric)
                        && err <= atol + rtol * Math.abs(numeric);
                if (!pass) ok = false;
                if (Double.isNaN(err) ? !Double.isNaN(worst) : err > worst) {
                    worst = err;
                    wi = i;
                    wa = analytic;
                    wn = numeric;
                }
            }
            String name = p.name() != null ? p.name() : "param" + pi;
            entries.add(new Entry(name, idx.length, worst, wi, wa, wn, ok));
        }
        return new Report(entries);
    }

    /**
     * With defaults: eps 1e-2, rtol 1e-2, atol 1e-3, up to 64 elements per parameter.
     *
     * @param f      builds the value to check, recording
     * @param params the parameters to check
     * @param seed   seeds the projection and the choice of elements
     * @return one entry per parameter
     * @throws IllegalArgumentException if a parameter's value is not contiguous
     */
    public static Report check(Supplier<Variable> f, List<Variable> params, long seed) {
        return check(f, params, 1e-2, 1e-2, 1e-3, 64, seed);
    }

    private static double eval(Supplier<Variable> f, Tensor r) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor o = f.get().value().contiguous();
            float[] od = o.data();
            if (r == null) return od[o.offset()];
            double acc = 0;
            float[] rd = r.data();
            for (int i = 0; i < rd.length; i++) acc += (double) od[o.offset() + i] * rd[i];
            return acc;
        }
    }

    private static int[] pick(int n, int max, Random rnd) {
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        // Floyd's sampling: max distinct indices of [0, n) without materializing all n
        java.util.Set<Integer> chosen = new java.util.HashSet<>();
        for (int j = n - max; j < n; j++) {
            int t = rnd.nextInt(j + 1);
            if (!chosen.add(t)) chosen.add(j);
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
