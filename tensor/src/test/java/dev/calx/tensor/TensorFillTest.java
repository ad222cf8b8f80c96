package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Tensor#fill} on views of every layout writes exactly the view's elements. */
class TensorFillTest {

    @Test
    void fillOfATransposedViewWritesEveryElementOfTheView() {
        Tensor base = Tensor.zeros(2, 3);
        Tensor t = base.transpose(0, 1); // [3][2], strides [1][3]: the last dim is not stride 1
        t.fill(7f);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) assertEquals(7f, t.get(i, j), "element [" + i + "][" + j + "]");
        }
        assertArrayEquals(new float[]{7, 7, 7, 7, 7, 7}, base.data());
    }

    @Test
    void fillOfAColumnOrAStridedSliceLeavesTheOtherElementsAlone() {
        Tensor base = Tensor.zeros(3, 4);
        base.select(1, 2).fill(5f); // column 2: rank 1 with stride 4
        assertArrayEquals(new float[]{0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0}, base.data());
        Tensor cube = Tensor.zeros(2, 3, 4);
        cube.transpose(1, 2).slice(1, 1, 3).fill(1f); // [2][2][3] over cube[:, :, 1..3)
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(c == 1 || c == 2 ? 1f : 0f, cube.get(a, b, c), "[" + a + "][" + b + "][" + c + "]");
                }
            }
        }
        Tensor rows = Tensor.zeros(4, 3);
        rows.slice(1, 0, 2).fill(2f); // uniform rows with stride 1: the row-by-row path
        assertArrayEquals(new float[]{2, 2, 0, 2, 2, 0, 2, 2, 0, 2, 2, 0}, rows.data());
    }
}
