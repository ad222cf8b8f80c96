package dev.calx.trainer.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** AdamW + LR schedule + global-norm clipping against PyTorch (fixtures from tools/trainer_fixtures.py). */
class OptimizerParityTest {
    static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) arr.get(i).asDouble();
        return f;
    }

    static int[] ints(JsonNode arr) {
        int[] f = new int[arr.size()];
        for (int i = 0; i < f.length; i++) f[i] = arr.get(i).asInt();
        return f;
    }

    @Test
    void adamWWithScheduleAndClippingMatchesTorchForSixSteps() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/adamw_schedule_clip.json")) {
            cases = new ObjectMapper().readTree(in);
        }
        assertEquals(3, cases.size());
        for (JsonNode c : cases) {
            String kind = c.get("schedule").asText();
            int steps = c.get("steps").asInt();
            LrSchedule sched = new LrSchedule(LrSchedule.parseKind(kind),
                    LrSchedule.warmupFromRatio(c.get("warmup_ratio").asDouble(), steps), steps);
            assertEquals(c.get("warmup_steps").asLong(), sched.warmupSteps(), kind);
            AdamW opt = new AdamW(new AdamW.Config(c.get("beta1").asDouble(), c.get("beta2").asDouble(), c.get("eps").asDouble(),
                    c.get("weight_decay").asDouble(), AdamW::decaysByDefault));
            List<Param> params = new ArrayList<>();
            for (int i = 0; i < c.get("names").size(); i++) {
                int[] shape = ints(c.get("shapes").get(i));
                params.add(new Param(c.get("names").get(i).asText(), Tensor.wrap(floats(c.get("init").get(i)), shape), Tensor.zeros(shape)));
            }
            double maxErr = 0;
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < params.size(); i++) {
                    float[] g = floats(c.get("grads").get(t).get(i));
                    System.arraycopy(g, 0, params.get(i).grad().data(), 0, g.length);
                }
                double lr = c.get("lr").asDouble() * sched.factor(t);
                assertEquals(c.get("lrs").get(t).asDouble(), lr, 1e-15, kind + " lr at step " + t);
                double norm = GradClip.clip(params, c.get("max_norm").asDouble());
                assertEquals(c.get("norms").get(t).asDouble(), norm, 1e-5 * norm, kind + " grad norm at step " + t);
                opt.update(params, lr);
                for (int i = 0; i < params.size(); i++) {
                    float[] want = floats(c.get("params_after").get(t).get(i));
                    float[] got = params.get(i).value().data();
                    for (int k = 0; k < want.length; k++) {
                        // relative 1e-6; values that crossed near zero are compared at the scale of one update (lr = 0.05)
                        double err = Math.abs(got[k] - want[k]) / Math.max(0.05, Math.abs(want[k]));
                        maxErr = Math.max(maxErr, err);
                        assertTrue(err < 1e-6, kind + " step " + t + " " + params.get(i).name() + "[" + k + "]: " + got[k] + " vs torch " + want[k]);
                    }
                }
            }
            assertTrue(maxErr > 0 || kind.equals("never"), "suspiciously exact");
        }
    }

    @Test
    void clippingLeavesSmallGradientsAloneAndReportsNonFinite() {
        Param p = new Param("w", Tensor.zeros(3), Tensor.wrap(new float[]{0.1f, 0.2f, 0.2f}, new int[]{3}));
        assertEquals(0.3, GradClip.clip(List.of(p), 1.0), 1e-7);
        assertArrayEquals(new float[]{0.1f, 0.2f, 0.2f}, p.grad().toArray());
        p.grad().data()[1] = Float.NaN;
        assertTrue(Double.isNaN(GradClip.clip(List.of(p), 1.0)));
        assertFalse(GradClip.allFinite(List.of(p)));
        p.grad().data()[1] = Float.POSITIVE_INFINITY;
        assertFalse(GradClip.allFinite(List.of(p)));
    }

    @Test
    void schedulesFollowTheTransformersFormulas() {
        LrSchedule lin = new LrSchedule(LrSchedule.Kind.LINEAR, 3, 100);
        assertEquals(0.0, lin.factor(0));
        assertEquals(2.0 / 3, lin.factor(2), 1e-15);
        assertEquals(1.0, lin.factor(3));
        assertEquals(50.0 / 97, lin.factor(50), 1e-15);
        assertEquals(0.0, lin.factor(100));
        LrSchedule cos = new LrSchedule(LrSchedule.Kind.COSINE, 0, 10);
        assertEquals(1.0, cos.factor(0), 1e-15);
        assertEquals(0.5, cos.factor(5), 1e-15);
        assertEquals(3, LrSchedule.warmupFromRatio(0.03, 100));
        assertEquals(1, LrSchedule.warmupFromRatio(0.03, 10));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parseKind("step"));
    }
}
