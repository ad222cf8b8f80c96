package dev.calx.llama;

import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallBatchMatmulTest {
    private static Tensor random(SplittableRandom r, int rows, int cols) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.data().length; i++) t.data()[i] = (float) r.nextDouble(-1, 1);
        return t;
    }

    private static WeightMatrix mapped(Tensor t) {
        MemorySegment seg = Arena.ofAuto().allocate(4L * t.size(), 64);
        for (int i = 0; i < t.size(); i++) seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, t.data()[i]);
        return F32Weights.of(seg, t.dim(0), t.dim(1));
    }

    @Test
    void matchesThePlainLoopForHeapAndMappedWeightsAndAnyRowCount() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] shape : new int[][]{{37, 61}, {64, 48}, {7, 300}, {1, 17}}) {
            Tensor wt = random(r, shape[0], shape[1]);
            for (WeightMatrix w : new WeightMatrix[]{F32Weights.of(wt), mapped(wt)}) {
                for (int n = 1; n <= 9; n++) {
                    Tensor x = random(r, n, shape[1]), got = Tensor.zeros(n, shape[0]), want = Tensor.zeros(n, shape[0]);
                    SmallBatchMatmul.matmul(x, w, got);
                    SmallBatchMatmul.reference(x, w, want);
                    for (int i = 0; i < want.size(); i++) {
                        float a = want.data()[i], b = got.data()[i];
                        assertTrue(Math.abs(a - b) <= 1e-5f * Math.max(1, Math.abs(a)),
                                Arrays.toString(shape) + " n=" + n + " element " + i + ": want " + a + " got " + b);
                    }
                }
            }
        }
    }

    @Test
    void aRowsResultIsTheSameBitsWhateverTheOtherRows() {
        SplittableRandom r = new SplittableRandom(4);
        Tensor wt = random(r, 37, 61);
        WeightMatrix w = F32Weights.of(wt);
        Tensor x7 = random(r, 7, 61);
        Tensor all = Tensor.zeros(7, 37);
        SmallBatchMatmul.matmul(x7, w, all);
        for (int b = 0; b < 7; b++) {
            Tensor one = Tensor.zeros(1, 37);
            SmallBatchMatmul.matmul(x7.slice(0, b, b + 1), w, one);
            assertArrayEquals(one.data(), Arrays.copyOfRange(all.data(), b * 37, (b + 1) * 37), "row " + b);
        }
    }
}
