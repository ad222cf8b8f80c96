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

    /** y = x with a backward that writes NaN: the analytic gradient is NaN. */
    private static Variable nanBackward(Variable x) {
        Node n = new Node("nanBackward", x.shape(), x) {
            @Override
            void backward(Tensor dy) {
                Tensor g = gradOf(0);
                for (int i = 0; i < g.size(); i++) g.data()[i] += Float.NaN;
            }
        };
        return Variable.result(x.value().copy(), GradMode.recording(x) ? n : null);
    }

    /** y = ln(x) with the right backward 1/x; below 0 the forward is NaN, so is a numeric gradient across 0. */
    private static Variable log(Variable x) {
        Tensor v = x.value().copy();
        float[] d = v.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) Math.log(d[i]);
        Node n = new Node("log", v.shape(), x) {
            @Override
            void backward(Tensor dy) {
                Tensor g = gradOf(0);
                for (int i = 0; i < g.size(); i++) g.data()[i] += dy.data()[i] / x.value().data()[i];
            }
        };
        return Variable.result(v, GradMode.recording(x) ? n : null);
    }

    @Test
    void aNaNAnalyticGradientFailsAndIsReportedAsTheWorstElement() {
        Variable x = Variable.parameter("x", Tensor.wrap(new float[]{0.5f, -1f, 2f}, new int[]{3}));
        GradCheck.Report report = GradCheck.check(() -> nanBackward(x), List.of(x), 1);
        GradCheck.Entry e = report.entries().getFirst();
        assertFalse(e.ok(), report.toString());
        assertTrue(Double.isNaN(e.maxAbsError()), report.toString());
        assertEquals(0, e.worstIndex(), report.toString());
        assertTrue(Double.isNaN(e.analytic()), report.toString());
    }

    @Test
    void aNaNNumericGradientFails() {
        // element 1 sits at 0.005: x - eps is negative, so ln is NaN and so is the central difference
        Variable x = Variable.parameter("x", Tensor.wrap(new float[]{1f, 0.005f, 2f}, new int[]{3}));
        GradCheck.Report report = GradCheck.check(() -> log(x), List.of(x), 1);
        GradCheck.Entry e = report.entries().getFirst();
        assertFalse(e.ok(), report.toString());
        assertEquals(1, e.worstIndex(), report.toString());
        assertTrue(Double.isNaN(e.numeric()), report.toString());
        Variable fine = Variable.parameter("fine", Tensor.wrap(new float[]{1f, 0.5f, 2f}, new int[]{3}));
        GradCheck.check(() -> log(fine), List.of(fine), 1).assertOk();
    }

    @Test
    void sampledElementsAreDistinct() {
        int n = 100, max = 64;
        float[] start = new float[n];
        for (int i = 0; i < n; i++) start[i] = 0.1f * (i % 7) - 0.3f;
        Variable x = Variable.parameter("x", Tensor.wrap(start.clone(), new int[]{n}));
        java.util.Set<Integer> perturbed = new java.util.TreeSet<>();
        int[] calls = {0};
        GradCheck.Report report = GradCheck.check(() -> {
            calls[0]++;
            float[] d = x.value().data();
            for (int i = 0; i < n; i++) if (d[i] != start[i]) perturbed.add(i);
            return Ops.mul(x, x);
        }, List.of(x), 1e-2, 1e-2, 1e-3, max, 7);
        report.assertOk();
        assertEquals(max, report.entries().getFirst().checked());
        assertEquals(1 + 2 * max, calls[0]);
        assertEquals(max, perturbed.size(), "every checked element is a different one: " + perturbed);
    }
}
