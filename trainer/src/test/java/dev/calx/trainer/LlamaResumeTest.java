package dev.calx.trainer;

import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.optim.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Exact resume through real Hugging Face checkpoints: a tiny Llama trained for 10 steps
 * uninterrupted, and the same run stopped after step 4 (as if killed after that checkpoint)
 * and resumed by a fresh model, give the same losses step by step and the same final weights.
 *
 * <p>Not bit for bit: the llama training forward itself is not bitwise reproducible (two fresh
 * loads of the same checkpoint give step-1 losses differing in the 8th digit, before any
 * resume: 5.353022813796997 vs 5.353023052215576 measured), and AdamW amplifies such last-bit
 * differences over 10 steps at lr 0.05 (weights differed by up to 2.5e-5 relative, at the scale
 * of one update, in two runs). So: losses at 1e-5 relative, weights at 1e-4 (the PyTorch parity
 * bound of issue 8).
 * The bit-exact resume of the loop itself is proven by TrainerTest on a deterministic model.
 */
class LlamaResumeTest {
    @TempDir Path tmp;

    @Test
    void llamaRunStoppedAfterStep4AndResumedFromItsHfCheckpointMatchesTheUninterruptedRun() throws Exception {
        Path init = LlamaParityTest.resource("tiny_llama_init");
        Dataset train = TrainerTest.data(40, 64, 11), val = TrainerTest.data(8, 64, 12);
        TrainConfig cfg = TrainerTest.cfg();
        LlamaTrainable a = LlamaTrainable.load(init);
        Trainer.Result full = new Trainer(cfg, a, train, val, tmp.resolve("full"), 2, TrainerTest.quiet()).run();
        assertEquals(10, full.finalStep());

        Trainer.Result first = new Trainer(cfg.withStopAfterSteps(4), LlamaTrainable.load(init), train, val, tmp.resolve("r"), 2,
                TrainerTest.quiet()).run();
        assertFalse(first.finished());
        LlamaTrainable b = LlamaTrainable.load(init);
        Trainer.Result second = new Trainer(cfg, b, train, val, tmp.resolve("r"), 2, TrainerTest.quiet()).run();
        assertTrue(second.finished());

        List<double[]> joined = new ArrayList<>(first.stepLosses());
        joined.addAll(second.stepLosses());
        assertEquals(10, joined.size());
        for (int i = 0; i < 10; i++) {
            double want = full.stepLosses().get(i)[1];
            assertEquals(want, joined.get(i)[1], 1e-5 * want, "loss at step " + (i + 1));
        }
        List<Param> pa = a.params(), pb = b.params();
        double worst = 0;
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).value().toArray(), y = pb.get(i).value().toArray();
            for (int k = 0; k < x.length; k++) {
                // relative, with values near zero compared at the scale of one update (lr 0.05), as in OptimizerParityTest
                double err = Math.abs(x[k] - y[k]) / Math.max(Math.abs(x[k]), 0.05);
                worst = Math.max(worst, err);
                assertTrue(err < 1e-4, pa.get(i).name() + "[" + k + "]: " + x[k] + " vs " + y[k]);
            }
        }
        System.out.println("tiny Llama resume: worst relative weight difference after 10 steps " + worst);
        Path last = tmp.resolve("r/checkpoint-10");
        for (String f : List.of("config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json")) {
            assertTrue(Files.exists(last.resolve(f)), f);
        }
    }
}
