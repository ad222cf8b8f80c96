package dev.calx.trainer;

import dev.calx.tensor.Tensor;
import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.checkpoint.TensorFiles;
import dev.calx.trainer.checkpoint.TrainerState;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.data.Sample;
import dev.calx.trainer.optim.AdamW;
import dev.calx.trainer.optim.LrSchedule;
import dev.calx.trainer.optim.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    @TempDir Path tmp;

    static Dataset data(int n, int vocab, long seed) {
        Random r = new Random(seed);
        List<Sample> ss = new ArrayList<>();
        long tokens = 0, trained = 0;
        for (int i = 0; i < n; i++) {
            int len = 4 + r.nextInt(12);
            int[] ids = new int[len];
            boolean[] tr = new boolean[len];
            ids[0] = 1;
            for (int k = 1; k < len; k++) {
                ids[k] = 2 + (ids[k - 1] * 3 + k) % (vocab - 2); // learnable pattern
                tr[k] = k >= 3; // a "prompt" of 2 tokens, masked
            }
            ss.add(new Sample("s" + i, ids, tr, false));
            tokens += len;
            trained += len - 3;
        }
        return new Dataset(ss, new Dataset.Stats(n, 0, 0, tokens, trained));
    }

    static TrainConfig cfg() {
        return new TrainConfig(2, 0.05, 4, 2, 64, 0.1, LrSchedule.Kind.LINEAR, 0.01, 0.9, 0.999, 1e-8, 1.0, 7,
                0, 3, 2, 2, 0.01, 0);
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void stoppedAfterStepKAndResumedGivesTheSameLossesAndFinalWeightsAsAnUninterruptedRun() throws Exception {
        Dataset train = data(40, 16, 1), val = data(8, 16, 2);
        TinyLm a = new TinyLm(16, 8, 3);
        Trainer.Result full = new Trainer(cfg(), a, train, val, tmp.resolve("full"), 0, quiet()).run();
        assertTrue(full.finished());
        assertEquals(10, full.finalStep()); // 40 samples / batch 4 = 10 batches, accum 2 -> 5 steps per epoch, 2 epochs

        TinyLm b1 = new TinyLm(16, 8, 3);
        Trainer.Result first = new Trainer(cfg().withStopAfterSteps(3), b1, train, val, tmp.resolve("resumed"), 0, quiet()).run();
        assertFalse(first.finished());
        assertEquals(3, first.finalStep());
        // the same stop again: already there, so no step (it used to run step 4 and stop there)
        Trainer.Result again = new Trainer(cfg().withStopAfterSteps(3), new TinyLm(16, 8, 5), train, val, tmp.resolve("resumed"), 0,
                quiet()).run();
        assertFalse(again.finished());
        assertEquals(3, again.finalStep());
        assertTrue(again.stepLosses().isEmpty());
        assertEquals(List.of("checkpoint-2", "checkpoint-3"), Checkpoints.list(tmp.resolve("resumed")).stream().map(p -> p.getFileName().toString()).toList());
        TinyLm b2 = new TinyLm(16, 8, 99); // fresh process: different initial weights, all state must come from the checkpoint
        Trainer.Result second = new Trainer(cfg(), b2, train, val, tmp.resolve("resumed"), 0, quiet()).run();
        assertTrue(second.finished());

        List<double[]> joined = new ArrayList<>(first.stepLosses());
        joined.addAll(second.stepLosses());
        assertEquals(full.stepLosses().size(), joined.size());
        for (int i = 0; i < joined.size(); i++) {
            assertEquals(full.stepLosses().get(i)[0], joined.get(i)[0]);
            assertEquals(full.stepLosses().get(i)[1], joined.get(i)[1], 0.0, "loss at step " + (i + 1));
        }
        for (int i = 0; i < a.params().size(); i++) {
            assertArrayEquals(a.params().get(i).value().toArray(), b2.params().get(i).value().toArray(), 0f, a.params().get(i).name());
        }
        // the loss went down: the loop trains
        assertTrue(full.stepLosses().getLast()[1] < full.stepLosses().getFirst()[1]);
        // metrics log: one row per step, in order, across the resume
        List<String> rows = Files.readAllLines(tmp.resolve("resumed").resolve(Trainer.METRICS));
        assertEquals(10, rows.size());
        assertTrue(rows.get(2).contains("\"val_loss\""));
        assertTrue(Files.size(tmp.resolve("full/loss.png")) > 1000);
        // keep last 2
        assertEquals(2, Checkpoints.list(tmp.resolve("full")).size());
        assertEquals("checkpoint-10", Checkpoints.latest(tmp.resolve("full")).orElseThrow().getFileName().toString());
    }

    @Test
    void resumingWithAnySettingThatChangesTheResultIsRefusedNamingTheSettingAndBothValues() throws Exception {
        Dataset train = data(40, 16, 1);
        Path out = tmp.resolve("r");
        new Trainer(cfg().withStopAfterSteps(2), new TinyLm(16, 8, 3), train, null, out, 0, quiet()).run();
        TrainConfig base = cfg();
        record Change(TrainConfig cfg, String name, String was, String now) { }
        for (Change c : List.of(
                new Change(base.toBuilder().schedule(LrSchedule.Kind.COSINE).build(), "schedule", "linear", "cosine"),
                new Change(base.toBuilder().warmupRatio(0.25).build(), "warm-up steps", "1", "3"),
                new Change(base.toBuilder().beta1(0.8).build(), "beta1", "0.9", "0.8"),
                new Change(base.toBuilder().beta2(0.99).build(), "beta2", "0.999", "0.99"),
                new Change(base.toBuilder().eps(1e-6).build(), "eps", "1.0E-8", "1.0E-6"),
                new Change(base.toBuilder().weightDecay(0.0).build(), "weightDecay", "0.01", "0.0"),
                new Change(base.toBuilder().maxGradNorm(0.5).build(), "maxGradNorm", "1.0", "0.5"),
                new Change(base.toBuilder().seed(8).build(), "seed", "7", "8"),
                new Change(base.toBuilder().lr(0.1).build(), "lr", "0.05", "0.1"),
                new Change(base.toBuilder().epochs(3).build(), "total steps", "10", "15"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(c.cfg(), new TinyLm(16, 8, 3), train, null, out, 0, quiet()).run(), c.name());
            String m = e.getMessage();
            assertTrue(m.contains(c.name() + " " + c.was()) && m.contains(c.now()) && m.contains("checkpoint-2"), c.name() + ": " + m);
        }
        // unchanged settings (and ones that do not affect the result, like logging) resume
        Trainer.Result r = new Trainer(base.toBuilder().logEvery(5).build(), new TinyLm(16, 8, 3), train, null, out, 0, quiet()).run();
        assertTrue(r.finished());
    }

    /** metrics.jsonl is appended row by row, so a kill can leave half a row; resume must not trip over it. */
    @Test
    void aTornLastMetricsRowIsDroppedOnResumeAndACorruptOneEarlierOrACorruptStateIsNamed() throws Exception {
        Dataset train = data(40, 16, 1);
        Path out = tmp.resolve("torn");
        new Trainer(cfg().withStopAfterSteps(3), new TinyLm(16, 8, 3), train, null, out, 0, quiet()).run();
        Path metrics = out.resolve(Trainer.METRICS);
        List<String> before = Files.readAllLines(metrics);
        assertEquals(3, before.size());
        Files.writeString(metrics, String.join("\n", before) + "\n{\"step\":4,\"lo", java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertTrue(new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, out, 0, new PrintStream(err, true)).run().finished());
        assertTrue(err.toString().contains("dropped the torn last row of " + metrics + " (" + metrics + ":4: not a metrics row"), err.toString());
        List<String> rows = Files.readAllLines(metrics);
        assertEquals(10, rows.size());
        for (int i = 0; i < rows.size(); i++) assertTrue(rows.get(i).startsWith("{\"step\":" + (i + 1) + ","), rows.get(i));

        Path out2 = tmp.resolve("bad");
        new Trainer(cfg().withStopAfterSteps(3), new TinyLm(16, 8, 3), train, null, out2, 0, quiet()).run();
        Path m2 = out2.resolve(Trainer.METRICS);
        List<String> rows2 = new ArrayList<>(Files.readAllLines(m2));
        rows2.set(1, "{\"step\":2,");
        Files.write(m2, rows2);
        var e = assertThrows(java.io.IOException.class, () -> new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, out2, 0, quiet()).run());
        assertTrue(e.getMessage().startsWith(m2 + ":2: not a metrics row"), e.getMessage());

        Path state = Checkpoints.latest(out2).orElseThrow().resolve(Checkpoints.STATE);
        Files.writeString(state, Files.readString(state).substring(0, 30));
        e = assertThrows(java.io.IOException.class, () -> new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, out2, 0, quiet()).run());
        assertTrue(e.getMessage().startsWith(state + ": the trainer state is not valid JSON (line "), e.getMessage());
        assertFalse(e.getMessage().contains("REDACTED"), e.getMessage());
    }

    /** Found by ResumeCorruptionFuzzTest: each of these resumed somewhere else, diverged, or failed deep inside. */
    @Test
    void aDamagedCheckpointIsRefusedNamingTheFileTheFieldOrTheTensor() throws Exception {
        Dataset train = data(40, 16, 1);
        Path base = tmp.resolve("damaged");
        new Trainer(cfg().withStopAfterSteps(3), new TinyLm(16, 8, 3), train, null, base, 0, quiet()).run();
        Path ck = Checkpoints.latest(base).orElseThrow(), state = ck.resolve(Checkpoints.STATE), opt = ck.resolve(Checkpoints.OPTIMIZER);
        String st = Files.readString(state);
        byte[] optBytes = Files.readAllBytes(opt), model = Files.readAllBytes(ck.resolve("model.safetensors"));
        java.util.function.Function<String, String> resume = (String want) -> {
            var e = assertThrows(java.io.IOException.class, () -> new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, base, 0, quiet()).run());
            assertTrue(e.getMessage().startsWith(want), e.getMessage() + "\n  wanted " + want);
            return e.getMessage();
        };
        // the trainer state: a missing field read as 0, a string as its number, a fraction as a step
        Files.writeString(state, st.replaceFirst("\"epoch\" *: *[0-9]+ *,", ""));
        resume.apply(state + ": the trainer state has no epoch");
        Files.writeString(state, st.replaceFirst("\"beta2\" *: *([0-9.e-]+)", "\"beta2\": \"$1\""));
        assertFalse(resume.apply(state + ": the trainer state is not valid JSON (line ").contains("CoercionConfig"));
        Files.writeString(state, st.replaceFirst("\"batchInEpoch\" *: *[0-9]+", "\"batchInEpoch\": 1.5"));
        resume.apply(state + ": the trainer state is not valid JSON (line ");
        Files.writeString(state, st.replaceFirst("\"step\" *: *3", "\"step\": 2"));
        resume.apply(state + ": the trainer state is at step 2 but its directory is checkpoint-3");
        Files.writeString(state, st.replaceFirst("\"epoch\" *: *[0-9]+", "\"epoch\": -1"));
        resume.apply(state + ": the trainer state has an impossible epoch -1");
        Files.writeString(state, st.replaceFirst("\"batchInEpoch\" *: *[0-9]+", "\"batchInEpoch\": 99"));
        resume.apply(state + ": batchInEpoch 99 is past the ");
        // leading zero bytes made the parser guess UTF-32 and fail naming no file
        Files.write(state, ("\0\0\0" + st).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        resume.apply(state + ": the trainer state is not valid JSON (line ");
        Files.writeString(state, st);
        // the optimizer's moments: NaN, a negative second moment, a missing or foreign tensor
        Map<String, Tensor> moments = TensorFiles.read(opt);
        moments.get("exp_avg_sq.lm_head.weight").data()[5] = -1f;
        TensorFiles.write(opt, moments, Map.of());
        resume.apply(opt + ": exp_avg_sq.lm_head.weight holds -1.0 at element 5 (a corrupt file?)");
        moments.get("exp_avg_sq.lm_head.weight").data()[5] = 0f;
        moments.get("exp_avg.model.norm.weight").data()[2] = Float.NaN;
        TensorFiles.write(opt, moments, Map.of());
        resume.apply(opt + ": exp_avg.model.norm.weight holds NaN at element 2");
        moments.get("exp_avg.model.norm.weight").data()[2] = 0f;
        Tensor norm = moments.remove("exp_avg_sq.model.norm.weight");
        TensorFiles.write(opt, moments, Map.of());
        resume.apply(opt + ": exp_avg_sq.model.norm.weight is missing");
        moments.put("exp_avg_sq.model.norm.weight", norm);
        moments.put("exp_avg.model.extra.weight", norm);
        TensorFiles.write(opt, moments, Map.of());
        resume.apply(opt + ": exp_avg.model.extra.weight belongs to no parameter of the model");
        moments.remove("exp_avg.model.extra.weight");
        moments.put("exp_avg_sq.model.norm.weight", Tensor.zeros(4, 2));
        TensorFiles.write(opt, moments, Map.of());
        resume.apply(opt + ": exp_avg_sq.model.norm.weight has shape [4, 2] but the parameter has [8]");
        Files.write(opt, optBytes);
        // NaN weights: training on reported a diverged loss and named this checkpoint the last good one
        Map<String, Tensor> w = TensorFiles.read(ck.resolve("model.safetensors"));
        w.get("lm_head.weight").data()[7] = Float.POSITIVE_INFINITY;
        TensorFiles.write(ck.resolve("model.safetensors"), w, Map.of("format", "pt"));
        resume.apply(ck + ": the model files hold Infinity in lm_head.weight at element 7 (a corrupt checkpoint?)");
        Files.write(ck.resolve("model.safetensors"), model);
        // undamaged again: it resumes and finishes
        assertTrue(new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, base, 0, quiet()).run().finished());
    }

    /** Damages metrics.jsonl's second row before the sixth forward. */
    private record DamagesMetrics(TinyLm m, Path metrics) implements TrainableModel {
        @Override public List<Param> params() { return m.params(); }
        @Override public void zeroGrad() { m.zeroGrad(); }
        @Override public double evalLossSum(Batch b) { return m.evalLossSum(b); }
        @Override public void loadModelFiles(Path dir) throws java.io.IOException { m.loadModelFiles(dir); }
        @Override public void writeModelFiles(Path dir) throws java.io.IOException { m.writeModelFiles(dir); }
        @Override public long activationBytes(int rows, int width) { return m.activationBytes(rows, width); }

        @Override
        public double forwardBackward(Batch b, float n) {
            if (m.calls == 5) {
                try {
                    List<String> rows = new ArrayList<>(Files.readAllLines(metrics));
                    rows.set(1, "{\"step\": 2}");
                    Files.write(metrics, rows);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return m.forwardBackward(b, n);
        }
    }

    /** A metrics row damaged while the run went on costs the loss curve, not the finished run. */
    @Test
    void aDamagedMetricsRowDuringTheRunLeavesNoCurveAndSaysWhy() throws Exception {
        Path out = tmp.resolve("curve");
        Dataset train = data(40, 16, 1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TrainableModel m = new DamagesMetrics(new TinyLm(16, 8, 3), out.resolve(Trainer.METRICS));
        assertTrue(new Trainer(cfg(), m, train, null, out, 0, new PrintStream(err, true)).run().finished());
        assertTrue(err.toString().contains("calx train: loss.png not drawn: " + out.resolve(Trainer.METRICS)
                + ":2: not a metrics row: no numeric \"step\" and \"loss\""), err.toString());
        assertFalse(Files.exists(out.resolve("loss.png")));
        // undamaged, the curve is drawn
        Trainer.Result r = new Trainer(cfg(), new TinyLm(16, 8, 3), train, null, tmp.resolve("curve2"), 0, quiet()).run();
        assertTrue(r.finished() && Files.size(tmp.resolve("curve2").resolve("loss.png")) > 0);
    }

    /** Rows of a run that left no checkpoint were kept, and this run's steps 1, 2, ... followed them. */
    @Test
    void aFreshStartDropsTheMetricsOfARunThatLeftNoCheckpoint() throws Exception {
        Path out = tmp.resolve("fresh");
        Files.createDirectories(out);
        Files.writeString(out.resolve(Trainer.METRICS), "{\"step\":1,\"loss\":9.0}\n{\"step\":2,\"loss\":8.0}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertTrue(new Trainer(cfg(), new TinyLm(16, 8, 3), data(40, 16, 1), null, out, 0, new PrintStream(err, true)).run().finished());
        assertTrue(err.toString().contains("holds no checkpoint: starting at step 0, without the metrics of the run before"), err.toString());
        List<String> rows = Files.readAllLines(out.resolve(Trainer.METRICS));
        assertEquals(10, rows.size());
        for (int i = 0; i < rows.size(); i++) assertTrue(rows.get(i).startsWith("{\"step\":" + (i + 1) + ","), rows.get(i));
    }

    @Test
    void validationLossWithoutAValidationSetIsAClearError() {
        Trainer t = new Trainer(cfg(), new TinyLm(16, 8, 3), data(8, 16, 1), null, tmp, 0, quiet());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::validationLoss);
        assertTrue(e.getMessage().contains("validation set"), e.getMessage());
    }

    @Test
    void accumulatedMicroBatchesGiveTheGradientOfTheWholeStepNormalizedByItsTrainedTokens() {
        Dataset d = data(4, 16, 5);
        TinyLm m = new TinyLm(16, 8, 1);
        dev.calx.trainer.data.Batcher one = new dev.calx.trainer.data.Batcher(d.samples(), 4, 0, 0);
        Batch whole = one.batch(new int[]{0, 1, 2, 3});
        Batch p1 = one.batch(new int[]{0, 1}), p2 = one.batch(new int[]{2, 3});
        float count = whole.trainedTokens();
        assertEquals(count, p1.trainedTokens() + p2.trainedTokens());
        m.zeroGrad();
        double lw = m.forwardBackward(whole, count);
        List<float[]> gw = new ArrayList<>();
        for (Param p : m.params()) gw.add(p.grad().toArray());
        m.zeroGrad();
        double la = m.forwardBackward(p1, count) + m.forwardBackward(p2, count);
        assertEquals(lw, la, 1e-4 * Math.abs(lw));
        for (int i = 0; i < gw.size(); i++) {
            float[] g = m.params().get(i).grad().toArray();
            for (int k = 0; k < g.length; k++) assertEquals(gw.get(i)[k], g[k], 1e-6f + 1e-4f * Math.abs(gw.get(i)[k]));
        }
    }

    @Test
    void nanLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        TinyLm m = new TinyLm(16, 8, 3);
        m.nanAfter = 9; // micro-batch calls: steps 1-4 use 8, step 5's second call returns NaN
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(cfg(), m, data(40, 16, 1), null, tmp, 0, quiet()).run());
        assertTrue(e.getMessage().contains("loss is NaN at step 5"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint-4"), e.getMessage());
        assertEquals(4, Checkpoints.readState(Checkpoints.latest(tmp).orElseThrow()).step());
    }

    @Test
    void checkpointRoundTripsTrainerStateAndOptimizerMomentsAtomically() throws Exception {
        AdamW opt = new AdamW(AdamW.Config.of(0.1));
        Param p = new Param("w", Tensor.wrap(new float[]{1, 2, 3, 4, 5, 6}, new int[]{2, 3}), Tensor.wrap(new float[]{.1f, -.2f, .3f, .4f, -.5f, .6f}, new int[]{2, 3}));
        opt.update(List.of(p), 0.01);
        opt.update(List.of(p), 0.01);
        TrainerState st = new TrainerState(TrainerState.VERSION, 2, 1, 7, 42, 1234, 2e-5, "linear", 3, 100, 0.9, 0.999, 1e-8,
                0.1, 1.0, 8, 4, 512, 1.25);
        for (int k = 1; k <= 3; k++) {
            TrainerState sk = new TrainerState(st.version(), k, st.epoch(), st.batchInEpoch(), st.seed(), st.tokensSeen(), st.baseLr(),
                    st.schedule(), st.warmupSteps(), st.totalSteps(), st.beta1(), st.beta2(), st.eps(), st.weightDecay(), st.maxGradNorm(),
                    st.batchSize(), st.gradAccum(), st.maxLength(), st.lastLoss());
            Checkpoints.save(tmp, sk, opt, Map.of("w", new int[]{2, 3}),
                    dir -> TensorFiles.write(dir.resolve("model.safetensors"), Map.of("w", p.value()), Map.of()), 2);
        }
        assertEquals(List.of(tmp.resolve("checkpoint-2"), tmp.resolve("checkpoint-3")), Checkpoints.list(tmp));
        try (var s = Files.list(tmp)) {
            assertEquals(2, s.count(), "no temporary directories left");
        }
        Path last = Checkpoints.latest(tmp).orElseThrow();
        TrainerState back = Checkpoints.readState(last);
        assertEquals(3, back.step());
        assertEquals(st.lastLoss(), back.lastLoss());
        assertEquals(st.tokensSeen(), back.tokensSeen());
        AdamW opt2 = new AdamW(AdamW.Config.of(0.1));
        Checkpoints.restoreOptimizer(last, opt2, back.step(), List.of(p));
        assertArrayEquals(opt.state().get("w").m(), opt2.state().get("w").m(), 0f);
        assertArrayEquals(opt.state().get("w").v(), opt2.state().get("w").v(), 0f);
        assertArrayEquals(p.value().toArray(), TensorFiles.read(last.resolve("model.safetensors")).get("w").toArray(), 0f);
        // modes: those of a plain new directory and file (under the umask), not forced ones
        try {
            var dirMode = Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("plain-dir")));
            var fileMode = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain-file")));
            assertEquals(dirMode, Files.getPosixFilePermissions(last));
            try (var s = Files.list(last)) {
                for (Path f : s.toList()) assertEquals(fileMode, Files.getPosixFilePermissions(f), f.toString());
            }
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("not a POSIX file system: " + e.getMessage());
        }
    }
}
