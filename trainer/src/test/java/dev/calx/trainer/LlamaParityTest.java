package dev.calx.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.checkpoint.TensorFiles;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.optim.AdamW;
import dev.calx.trainer.optim.LrSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Five training steps of a tiny Llama (GQA, untied head) with gradient accumulation over two
 * micro-batches, global-norm clipping, AdamW with weight decay and a linear warm-up schedule,
 * against PyTorch from the same Hugging Face checkpoint on the same batches
 * (tools/trainer_fixtures.py): losses, gradient norms and final weights.
 */
class LlamaParityTest {
    @TempDir Path tmp;

    static Path resource(String name) throws Exception {
        return Path.of(LlamaParityTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void fiveAdamWStepsWithClippingAndAccumulationMatchPyTorch() throws Exception {
        JsonNode fx = new ObjectMapper().readTree(resource("tiny_llama_steps.json").toFile());
        LlamaTrainable model = LlamaTrainable.load(resource("tiny_llama_init"));
        int steps = fx.get("steps").asInt(), rows = fx.get("rows").asInt(), width = fx.get("width").asInt();
        LrSchedule sched = new LrSchedule(LrSchedule.Kind.LINEAR, LrSchedule.warmupFromRatio(fx.get("warmup_ratio").asDouble(), steps), steps);
        AdamW opt = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, fx.get("weight_decay").asDouble(), AdamW::decaysByDefault));
        for (int s = 0; s < steps; s++) {
            List<Batch> micro = new ArrayList<>();
            for (JsonNode mb : fx.get("batches").get(s)) {
                int[] ids = new int[rows * width];
                boolean[] tr = new boolean[rows * width];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = mb.get("ids").get(i).asInt();
                    tr[i] = mb.get("trained").get(i).asBoolean();
                }
                int[] lengths = new int[rows];
                java.util.Arrays.fill(lengths, width);
                micro.add(new Batch(rows, width, ids, tr, lengths));
            }
            Trainer.StepResult r = Trainer.optimizerStep(model, micro, opt, fx.get("lr").asDouble() * sched.factor(s),
                    fx.get("max_norm").asDouble(), s + 1, null);
            double wantLoss = fx.get("losses").get(s).asDouble(), wantNorm = fx.get("grad_norms").get(s).asDouble();
            assertEquals(wantLoss, r.loss(), 1e-4 * wantLoss, "loss at step " + (s + 1));
            assertEquals(wantNorm, r.gradNorm(), 1e-4 * wantNorm, "grad norm at step " + (s + 1));
        }
        model.writeModelFiles(tmp);
        Map<String, Tensor> got = TensorFiles.read(tmp.resolve("model.safetensors"));
        Map<String, Tensor> want = TensorFiles.read(resource("tiny_llama_after5.safetensors"));
        assertEquals(want.keySet(), got.keySet());
        double worst = 0;
        for (String name : want.keySet()) {
            float[] w = want.get(name).toArray(), g = got.get(name).toArray();
            for (int i = 0; i < w.length; i++) {
                double err = Math.abs(g[i] - w[i]) / Math.max(Math.abs(w[i]), 1e-2);
                worst = Math.max(worst, err);
                assertTrue(err < 1e-4, name + "[" + i + "]: " + g[i] + " vs torch " + w[i]);
            }
        }
        System.out.println("tiny Llama parity: worst relative weight error after 5 steps " + worst);
    }
}
