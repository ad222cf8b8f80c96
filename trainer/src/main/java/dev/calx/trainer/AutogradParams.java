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

    public AutogradParams(Map<String, Variable> vars) {
        this.vars = vars;
    }

    public Map<String, Variable> variables() {
        return vars;
    }

    public List<Param> params() {
        List<Param> out = new ArrayList<>(vars.size());
        for (var e : vars.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) g = zeros.computeIfAbsent(e.getKey(), k -> Tensor.zeros(e.getValue().shape()));
            out.add(new Param(e.getKey(), e.getValue().value(), g));
        }
        return out;
    }

    public void zeroGrad() {
        for (Variable v : vars.values()) v.zeroGrad();
    }

    /**
     * Targets for next-token loss: position t predicts ids[t+1] when that token is trained and in
     * the same packed sample; else ignored.
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
