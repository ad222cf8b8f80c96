package dev.calx.trainer;

import dev.calx.trainer.data.Batch;
import dev.calx.trainer.data.Batcher;
import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.data.Packer;
import dev.calx.trainer.data.Sample;
import dev.calx.trainer.optim.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Packing (--pack): every sample once per epoch, whole, in rows no wider than the limit; a
 * packed batch gives a tiny Llama the same per-sample losses and the same gradients as the same
 * samples padded one per row (attention and targets stay inside each sample, positions restart);
 * and a packed run resumes exactly.
 */
class PackingTest {
    @TempDir Path tmp;

    @Test
    void everySampleSitsWholeInExactlyOneRowAndEpochsAreDeterministic() {
        Dataset d = TrainerTest.data(200, 64, 3);
        Packer p = new Packer(d.samples(), 4, 64, 7, 0);
        assertEquals(p.batchesPerEpoch(), p.epoch(0).size());
        assertEquals(p.batchesPerEpoch(), p.epoch(1).size());
        assertTrue(p.fill() > 0.95, "rows " + p.fill() + " full");
        int[] seen = new int[d.samples().size()];
        for (Batch b : p.epoch(0)) {
            assertTrue(b.width() <= 64);
            for (int r = 0; r < b.rows(); r++) {
                int at = r * b.width(), seg = 0;
                while (at < r * b.width() + b.lengths()[r]) {
                    assertEquals(seg, b.segmentIds()[at]);
                    int len = 0;
                    while (at + len < (r + 1) * b.width() && b.segmentIds()[at + len] == seg) len++;
                    int[] ids = Arrays.copyOfRange(b.ids(), at, at + len);
                    int found = -1;
                    for (int i = 0; i < d.samples().size(); i++) {
                        Sample s = d.samples().get(i);
                        if (Arrays.equals(s.ids(), ids) && Arrays.equals(s.trained(), Arrays.copyOfRange(b.trained(), at, at + len)) && found < 0 && seen[i] == 0) found = i;
                    }
                    assertTrue(found >= 0, "row " + r + " segment " + seg + " is no unused sample");
                    seen[found]++;
                    at += len;
                    seg++;
                }
                for (int c = b.lengths()[r]; c < b.width(); c++) {
                    assertEquals(seg, b.segmentIds()[r * b.width() + c], "padding is a segment of its own");
                    assertFalse(b.trained()[r * b.width() + c]);
                }
            }
        }
        for (int i = 0; i < seen.length; i++) assertEquals(1, seen[i], "sample " + i);
        Packer again = new Packer(d.samples(), 4, 64, 7, 0);
        for (int e = 0; e < 2; e++) {
            for (int i = 0; i < p.batchesPerEpoch(); i++) {
                assertArrayEquals(p.epoch(e).get(i).ids(), again.epoch(e).get(i).ids());
            }
        }
        assertFalse(Arrays.equals(p.epoch(0).get(0).ids(), p.epoch(1).get(0).ids()), "epochs are shuffled differently");
    }

    @Test
    void targetsNeverCrossIntoTheNextSample() {
        // two samples whose first token (BOS-like) is trained, so only the segment check can stop the crossing
        Sample a = new Sample("a", new int[]{5, 6, 7}, new boolean[]{true, true, true}, false);
        Sample b = new Sample("b", new int[]{8, 9}, new boolean[]{true, true}, false);
        Batch batch = new Packer(List.of(a, b), 1, 8, 1, 0).epoch(0).get(0);
        int[] t = AutogradParams.targets(batch, -100);
        assertEquals(List.of(6, 7, -100, 9, -100), Arrays.stream(t).boxed().toList());
    }

    @Test
    void aPackedBatchGivesATinyLlamaTheSameLossesAndGradientsAsTheSamplesPadded() throws Exception {
        Dataset d = TrainerTest.data(12, 64, 5);
        List<Sample> ss = d.samples();
        Packer packer = new Packer(ss, 16, 64, 1, 2);
        Batch packed = packer.epoch(0).get(0);
        assertEquals(1, packer.batchesPerEpoch());
        assertTrue(packed.rows() < ss.size(), "several samples share a row: " + packed.rows() + " rows for " + ss.size());
        Batch padded = new Batcher(ss, ss.size(), 1, 2).batch(java.util.stream.IntStream.range(0, ss.size()).toArray());
        assertEquals(padded.trainedTokens(), packed.trainedTokens());

        LlamaTrainable m = LlamaTrainable.load(LlamaParityTest.resource("tiny_llama_init"));
        // per sample: the packed batch with only that sample's tokens trained vs that sample alone
        for (int i = 0; i < ss.size(); i++) {
            Sample s = ss.get(i);
            Batch alone = new Batcher(List.of(s), 1, 1, 2).batch(new int[]{0});
            Batch only = onlySample(packed, s);
            double want = m.evalLossSum(alone), got = m.evalLossSum(only);
            assertEquals(want, got, 2e-5 * Math.abs(want), "loss of sample " + i);
        }
        float n = packed.trainedTokens();
        m.zeroGrad();
        double lp = m.forwardBackward(packed, n);
        List<float[]> gp = new ArrayList<>();
        for (Param p : m.params()) gp.add(p.grad().toArray());
        m.zeroGrad();
        double lu = m.forwardBackward(padded, n);
        assertEquals(lu, lp, 1e-5 * Math.abs(lu));
        double worst = 0;
        for (int k = 0; k < gp.size(); k++) {
            float[] g = m.params().get(k).grad().toArray();
            float scale = 0;
            for (float v : g) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < g.length; j++) {
                double err = Math.abs(g[j] - gp.get(k)[j]) / Math.max(scale, 1e-12f);
                worst = Math.max(worst, err);
                assertTrue(err < 1e-4, m.params().get(k).name() + "[" + j + "]: padded " + g[j] + " packed " + gp.get(k)[j]);
            }
        }
        System.out.println("packed vs padded: worst gradient difference " + worst + " of the tensor's largest entry");
    }

    /** The packed batch with trained flags kept only on the tokens of sample s. */
    private static Batch onlySample(Batch b, Sample s) {
        boolean[] tr = new boolean[b.trained().length];
        int hits = 0;
        for (int at = 0; at + s.length() <= b.ids().length; at++) {
            if (Arrays.equals(Arrays.copyOfRange(b.ids(), at, at + s.length()), s.ids())
                    && (at == 0 || b.segmentIds()[at - 1] != b.segmentIds()[at]) && hits == 0) {
                System.arraycopy(s.trained(), 0, tr, at, s.length());
                hits++;
            }
        }
        assertEquals(1, hits, "sample " + s.source() + " found in the packed batch");
        return new Batch(b.rows(), b.width(), b.ids(), tr, b.lengths(), b.segmentIds());
    }

    @Test
    void aPackedRunStoppedAndResumedGivesTheSameLossesAndWeights() throws Exception {
        TrainConfig cfg = TrainerTest.cfg().withPack(true);
        Dataset train = TrainerTest.data(60, 16, 1);
        TinyLm a = new TinyLm(16, 8, 3);
        Trainer.Result full = new Trainer(cfg, a, train, null, tmp.resolve("full"), 0, TrainerTest.quiet()).run();
        assertTrue(full.finished());
        Trainer.Result first = new Trainer(cfg.withStopAfterSteps(2), new TinyLm(16, 8, 3), train, null, tmp.resolve("r"), 0,
                TrainerTest.quiet()).run();
        TinyLm b = new TinyLm(16, 8, 99);
        Trainer.Result second = new Trainer(cfg, b, train, null, tmp.resolve("r"), 0, TrainerTest.quiet()).run();
        List<double[]> joined = new ArrayList<>(first.stepLosses());
        joined.addAll(second.stepLosses());
        assertEquals(full.stepLosses().size(), joined.size());
        for (int i = 0; i < joined.size(); i++) assertEquals(full.stepLosses().get(i)[1], joined.get(i)[1], 0.0, "step " + (i + 1));
        for (int i = 0; i < a.params().size(); i++) {
            assertArrayEquals(a.params().get(i).value().toArray(), b.params().get(i).value().toArray(), 0f);
        }
        // a padded run cannot resume a packed one
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(cfg.withPack(false), new TinyLm(16, 8, 3), train, null, tmp.resolve("r"), 0, TrainerTest.quiet()).run());
        assertTrue(e.getMessage().contains("packing"), e.getMessage());
    }
}
