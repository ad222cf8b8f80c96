package dev.calx.autograd;

import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The checker itself must be able to fail: a deliberately wrong backward is caught. */
class GradCheckTest {

    /** y = x², with a backward that forgets the factor 2. */
    private static Variable wrongSquare(Variable x) {
        Tensor v = x.value().copy();
        float[] d = v.data();
        for (int i = 0; i < d.length; i++) d[i] *= d[i];
        Node n = new Node("wrongSquare", v.shape(), x) {
            @Override
            void backward(Tensor dy) {
                Tensor g = gradOf(0);
                for (int i = 0; i < g.size(); i++) g.data()[i] += dy.data()[i] * x.value().data()[i];
            }
        };
        return Variable.result(v, GradMode.recording(x) ? n : null);
    }

    @Test
    void gradCheckRejectsAWrongBackward() {
        Variable x = Variable.parameter("x", Tensor.wrap(new float[]{0.5f, -1f, 2f}, new int[]{3}));
        GradCheck.Report report = GradCheck.check(() -> wrongSquare(x), List.of(x), 1);
        assertFalse(report.ok(), report.toString());
        assertThrows(AssertionError.class, report::assertOk);
    }

    @Test
    void gradCheckAcceptsTheRightBackward() {
        Variable x = Variable.parameter("x", Tensor.wrap(new float[]{0.5f, -1f, 2f}, new int[]{3}));
        GradCheck.check(() -> Ops.mul(x, x), List.of(x), 1).assertOk();
    }
}
