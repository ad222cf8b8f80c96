package dev.calx.autograd;

import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.calx.autograd.TestTensors.param;
import static org.junit.jupiter.api.Assertions.*;

/** The tape's behaviour: accumulation, zeroGrad, NoGrad, freeing, misuse errors, memory accounting. */
class EngineTest {

    @Test
    void gradientsAccumulateAcrossBackwardsAndZeroGradKeepsTheBuffer() {
        Random r = new Random(1);
        Variable x = Variable.constant(TestTensors.randn(r, 1, 3, 4));
        Variable w = param("w", r, 1, 2, 4);
        Ops.sum(Ops.linear(x, w)).backward();
        Tensor g = w.grad();
        float[] once = g.toArray();
        Ops.sum(Ops.linear(x, w)).backward();
        float[] twice = w.grad().toArray();
        assertSame(g, w.grad());
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5);
        w.zeroGrad();
        assertSame(g, w.grad());
        for (float v : w.grad().toArray()) assertEquals(0f, v);
    }

    @Test
    void noGradRecordsNothingAndAllocatesNoGradients() {
        Random r = new Random(2);
        Variable w = param("w", r, 1, 2, 4);
        Variable x = Variable.constant(TestTensors.randn(r, 1, 3, 4));
        Variable y;
        try (NoGrad ignored = NoGrad.enter()) {
            assertFalse(NoGrad.isRecording());
            y = Ops.sum(Ops.linear(x, w));
        }
        assertTrue(NoGrad.isRecording());
        assertTrue(y.isLeaf());
        assertFalse(y.requiresGrad());
        assertNull(w.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }

    @Test
    void secondBackwardThroughAFreedGraphNamesTheOp() {
        Random r = new Random(3);
        Variable w = param("w", r, 1, 4, 4);
        Variable loss = Ops.sum(Ops.rmsNorm(w, param("g", r, 1, 4), 1e-5f));
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("freed"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Random r = new Random(4);
        Variable w = param("w", r, 1, 3, 3);
        Variable loss = Ops.sum(Ops.silu(w));
        loss.backward(null, true);
        float[] once = w.grad().toArray();
        loss.backward();
        float[] twice = w.grad().toArray();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6);
    }

    @Test
    void backwardFromANonScalarWithoutSeedIsAnError() {
        Variable w = Variable.parameter("w", Tensor.zeros(2, 3));
        Variable y = Ops.silu(w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("not a scalar") && e.getMessage().contains("[2, 3]"), e.getMessage());
        y.backward(Tensor.zeros(2, 3)); // with a seed it is fine
    }

    @Test
    void shapeMismatchesNameTheOpAndBothShapes() {
        Variable a = Variable.parameter("a", Tensor.zeros(2, 3)), b = Variable.parameter("b", Tensor.zeros(4, 5));
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.linear(a, b));
        assertTrue(e.getMessage().startsWith("linear") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Ops.add(a, b));
        assertTrue(e.getMessage().startsWith("add") && e.getMessage().contains("'a'"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Ops.rmsNorm(a, b, 1e-5f));
        assertTrue(e.getMessage().startsWith("rmsNorm"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Ops.attention(a, a, a, 1, 2, 2));
        assertTrue(e.getMessage().startsWith("attention"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Ops.crossEntropy(a, new int[]{1}));
        assertTrue(e.getMessage().startsWith("crossEntropy"), e.getMessage());
        IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> Ops.embedding(b, new int[]{4}));
        assertTrue(oob.getMessage().startsWith("embedding"), oob.getMessage());
    }

    @Test
    void activationsAreReleasedAfterBackwardAndThePeakIsReported() {
        Random r = new Random(5);
        Variable w = param("w", r, 1, 64, 32);
        Variable x = Variable.constant(TestTensors.randn(r, 1, 16, 32));
        long before = MemoryMeter.liveBytes();
        MemoryMeter.resetPeak();
        Variable h = Ops.silu(Ops.linear(x, w)); // 16x64 twice
        Variable loss = Ops.sum(h);
        assertTrue(MemoryMeter.liveBytes() - before >= 2L * 16 * 64 * 4);
        loss.backward();
        assertEquals(before, MemoryMeter.liveBytes());
        assertTrue(MemoryMeter.peakBytes() - before >= 2L * 16 * 64 * 4 + 16 * 64 * 4, "peak counts the gradients too");
    }

    @Test
    void fusedCrossEntropyCountsWhatItSavesAsTheUnfusedOneDoes() {
        Random r = new Random(15);
        int rows = 5, in = 8, vocab = 11;
        Variable w = param("w", r, 1, vocab, in);
        Variable x = Variable.constant(TestTensors.randn(r, 1, rows, in));
        int[] targets = {1, 4, -100, 10, 0};
        // both keep one float log-sum-exp and one int target per row, plus the 4-byte scalar loss
        long saved = 4L + rows * 8L;
        Variable logits = Ops.linear(x, w);
        long before = MemoryMeter.liveBytes();
        Variable unfused = Ops.crossEntropy(logits, targets, -100, 4f);
        assertEquals(saved, MemoryMeter.liveBytes() - before, "crossEntropy");
        unfused.backward();
        before = MemoryMeter.liveBytes();
        Variable fused = Ops.linearCrossEntropy(x, w, targets, -100, 4f);
        assertEquals(saved, MemoryMeter.liveBytes() - before, "linearCrossEntropy");
        fused.backward();
        assertEquals(before, MemoryMeter.liveBytes(), "everything it counted is released by its backward");
        assertEquals(unfused.value().data()[0], fused.value().data()[0], 1e-5f);
    }

    @Test
    void checkpointGivesTheSameGradientsAsTheRecordedForward() {
        Random r = new Random(6);
        Variable x = param("x", r, 1, 5, 8);
        Variable w1 = param("w1", r, 0.5f, 8, 8), w2 = param("w2", r, 0.5f, 8, 8), g = param("g", r, 1, 8);
        java.util.function.Function<Variable[], Variable> block =
                in -> Ops.add(in[0], Ops.linear(Ops.silu(Ops.linear(Ops.rmsNorm(in[0], g, 1e-5f), w1)), w2));
        Ops.sum(Ops.mul(block.apply(new Variable[]{x}), x)).backward();
        float[][] plain = {x.grad().toArray(), w1.grad().toArray(), w2.grad().toArray(), g.grad().toArray()};
        for (Variable v : new Variable[]{x, w1, w2, g}) v.zeroGrad();
        Ops.sum(Ops.mul(Ops.checkpoint(block, x), x)).backward();
        float[][] ck = {x.grad().toArray(), w1.grad().toArray(), w2.grad().toArray(), g.grad().toArray()};
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], ck[i], 1e-5f);
    }

    @Test
    void intermediateValuesKeepNoGradient() {
        Random r = new Random(7);
        Variable w = param("w", r, 1, 2, 2);
        Variable h = Ops.silu(w);
        Ops.sum(h).backward();
        assertNull(h.grad());
        assertNotNull(w.grad());
        assertFalse(h.isLeaf());
    }

    @Test
    void microBatchesNormalizedByTheStepTokenCountSumToTheWholeBatchGradient() {
        Random r = new Random(8);
        Variable w = param("w", r, 1, 5, 4);
        Tensor x = TestTensors.randn(r, 1, 6, 4);
        int[] targets = {1, -100, 3, 0, -100, 4}; // 4 counted tokens in the step
        Ops.crossEntropy(Ops.linear(Variable.constant(x), w), targets).backward();
        float[] whole = w.grad().toArray();
        w.zeroGrad();
        Variable a = Variable.constant(x.slice(0, 0, 2).copy()), b = Variable.constant(x.slice(0, 2, 6).copy());
        float loss = Ops.crossEntropy(Ops.linear(a, w), new int[]{1, -100}, Ops.IGNORE_INDEX, 4f).item();
        Ops.crossEntropy(Ops.linear(a, w), new int[]{1, -100}, Ops.IGNORE_INDEX, 4f).backward();
        Variable lb = Ops.crossEntropy(Ops.linear(b, w), new int[]{3, 0, -100, 4}, Ops.IGNORE_INDEX, 4f);
        loss += lb.item();
        lb.backward();
        assertArrayEquals(whole, w.grad().toArray(), 1e-6f);
        try (NoGrad ignored = NoGrad.enter()) {
            assertEquals(Ops.crossEntropy(Ops.linear(Variable.constant(x), w), targets).item(), loss, 1e-6f);
        }
    }

    @Test
    void checkpointedBlocksLowerThePeakAndFreeEverything() {
        Random r = new Random(9);
        Variable x = param("x", r, 1, 64, 32);
        Variable w1 = param("w1", r, 0.2f, 128, 32), w2 = param("w2", r, 0.2f, 32, 128);
        java.util.function.Function<Variable[], Variable> block =
                in -> Ops.add(in[0], Ops.linear(Ops.silu(Ops.linear(in[0], w1)), w2));
        long[] peaks = new long[2];
        for (int ck = 0; ck < 2; ck++) {
            long before = MemoryMeter.liveBytes();
            MemoryMeter.resetPeak();
            Variable h = x;
            for (int layer = 0; layer < 6; layer++) h = ck == 1 ? Ops.checkpoint(block, h) : block.apply(new Variable[]{h});
            Ops.sum(h).backward();
            assertEquals(before, MemoryMeter.liveBytes(), "everything released, checkpoint=" + (ck == 1));
            peaks[ck] = MemoryMeter.peakBytes() - before;
        }
        assertTrue(peaks[1] * 2 < peaks[0], "checkpointed peak " + peaks[1] + " vs plain " + peaks[0]);
    }
}
