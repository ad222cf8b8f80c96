package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import static dev.calx.tensor.TestData.SIMD;
import static org.junit.jupiter.api.Assertions.*;

/** Shape mistakes fail with messages that name both shapes (or the offending argument). */
class ShapeErrorTest {

    private static void assertNames(ShapeException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should name " + p);
    }

    @Test
    void rowwiseOpsNameInputAndOutputShapes() {
        assertNames(assertThrows(ShapeException.class, () -> SIMD.softmax(Tensor.zeros(2, 5), Tensor.zeros(2, 6), false, 0)),
                "softmax", "[2, 5]", "[2, 6]");
        assertNames(assertThrows(ShapeException.class, () -> SIMD.silu(Tensor.zeros(3, 4), Tensor.zeros(4, 3))),
                "silu", "[3, 4]", "[4, 3]");
        assertNames(assertThrows(ShapeException.class, () -> SIMD.rmsNorm(Tensor.zeros(2, 8), Tensor.zeros(7), 1e-5f, Tensor.zeros(2, 8))),
                "rmsNorm weight", "8", "[7]");
    }

    @Test
    void broadcastOpsNameBothOperands() {
        assertNames(assertThrows(ShapeException.class, () -> SIMD.add(Tensor.zeros(3, 4), Tensor.zeros(2, 4), Tensor.zeros(3, 4))),
                "add", "[3, 4]", "[2, 4]");
    }

    @Test
    void ropeRejectsOddHeadDimAndNegativePosition() {
        assertNames(assertThrows(ShapeException.class, () -> SIMD.rope(Tensor.zeros(2, 12), 5, 0, 1e4f, false)),
                "rope", "5", "[2, 12]");
        assertThrows(IllegalArgumentException.class, () -> SIMD.rope(Tensor.zeros(2, 12), 4, -1, 1e4f, false));
    }

    @Test
    void nonUniformRowsAskForContiguous() {
        Tensor t = Tensor.zeros(4, 6).transpose(0, 1);
        assertNames(assertThrows(ShapeException.class, () -> SIMD.softmax(t, Tensor.zeros(6, 4), false, 0)), "contiguous");
    }
}
