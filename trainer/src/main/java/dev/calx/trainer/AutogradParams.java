package dev.calx.trainer;

import dev.calx.autograd.Variable;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.optim.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bridges autograd leaves to the optimizer's {@link Param}s: the value tensor is shared; the
 * gradient is autograd's own buffer once a backward has reached the leaf (before that, a zero
 * tensor, which is what an untouched parameter's gradient is).
 */
public final class AutogradParams {
    private final Map<String, Variable> vars;
    private final Map<String, Tensor> zeros = new LinkedHashMap<>();

    /**
     * Wraps a model's leaves.
     *
     * @param vars the leaves by checkpoint name; kept, not copied, and walked in the map's order
     */
    public AutogradParams(Map<String, Variable> vars) {
        this.vars = vars;
    }

    /**
     * The autograd leaves this bridge exposes.
     *
     * @return the leaves by name: the map given to the constructor, not a copy
     */
    public Map<String, Variable> variables() {
        return vars;
    }

    /**
     * The leaves as optimizer parameters, in the map's order. A leaf that no backward has reached
     * gets a zero gradient, one tensor per name reused across calls; once a backward reaches it,
     * its gradient is autograd's buffer, so call this after the step's backward.
     *
     * @return a new list of parameters whose value tensors are the leaves' own
     */
    public List<Param> params() {
        List<Param> out = new ArrayList<>(vars.size());
        for (var e : vars.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) g = zeros.computeIfAbsent(e.getKey(), k -> Tensor.zeros(e.getValue().shape()));
            out.add(new Param(e.getKey(), e.getValue().value(), g));
        }
        return out;
    }

    /** Fills every gradient buffer autograd has allocated with zeros (a leaf without one is left alone). */
    public void zeroGrad() {
        for (Variable v : vars.values()) v.zeroGrad();
    }

    /**
     * Targets for next-token loss: position t predicts ids[t+1] when that token is trained and in
     * the same packed sample; else ignored.
     *
     * @param b      the batch
     * @param ignore the target value of positions that predict nothing ({@code Ops.IGNORE_INDEX})
     * @return one target per token, row-major {@code [rows][width]} like {@code b.ids()}; the last
     *         position of each row is always {@code ignore}
     */
    public static int[] targets(dev.calx.trainer.data.Batch b, int ignore) {
        int[] t = new int[b.ids().length], seg = b.segmentIds();
        for (int r = 0; r < b.rows(); r++) {
            for (int c = 0; c < b.width(); c++) {
                int i = r * b.width() + c;
                t[i] = c + 1 < b.width() && b.trained()[i + 1] && (seg == null || seg[i] == seg[i + 1]) ? b.ids()[i + 1] : ignore;
            }
        }
        return t;
    }
}
