package dev.calx.trainer;

import dev.calx.trainer.optim.LrSchedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The builder and withers change only what they name. */
class TrainConfigTest {
    @Test
    void builderStartsFromTheDefaultsAndSetsOnlyWhatItIsTold() {
        TrainConfig d = TrainConfig.defaults();
        assertEquals(d, TrainConfig.builder().build());
        TrainConfig c = TrainConfig.builder().lr(3e-3).epochs(1).schedule(LrSchedule.Kind.COSINE).pack(true).build();
        assertEquals(3e-3, c.lr());
        assertEquals(1, c.epochs());
        assertEquals(LrSchedule.Kind.COSINE, c.schedule());
        assertTrue(c.pack());
        assertEquals(d.batchSize(), c.batchSize());
        assertEquals(d.maxGradNorm(), c.maxGradNorm());
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void withersKeepEveryOtherField() {
        TrainConfig c = TrainConfig.builder().pack(true).evalProblems(5).evalMaxTokens(64).seed(7).build();
        TrainConfig e = c.withEpochs(9);
        assertEquals(9, e.epochs());
        assertEquals(c.toBuilder().epochs(9).build(), e);
        assertThrows(IllegalArgumentException.class, () -> c.withEpochs(0));
    }

    @Test
    void everyBadSettingIsRejectedNamingTheFieldAndTheValue() {
        TrainConfig d = TrainConfig.defaults();
        record Bad(TrainConfig.Builder b, String field, String value) { }
        for (Bad bad : java.util.List.of(
                new Bad(d.toBuilder().gradAccum(0), "gradAccum", "0"),
                new Bad(d.toBuilder().batchSize(-1), "batchSize", "-1"),
                new Bad(d.toBuilder().epochs(0), "epochs", "0"),
                new Bad(d.toBuilder().maxLength(1), "maxLength", "1"),
                new Bad(d.toBuilder().lr(-1e-5), "lr", "-1.0E-5"),
                new Bad(d.toBuilder().lr(Double.NaN), "lr", "NaN"),
                new Bad(d.toBuilder().warmupRatio(1.5), "warmupRatio", "1.5"),
                new Bad(d.toBuilder().schedule(null), "schedule", "null"),
                new Bad(d.toBuilder().weightDecay(-0.1), "weightDecay", "-0.1"),
                new Bad(d.toBuilder().beta1(1.0), "beta1", "1.0"),
                new Bad(d.toBuilder().beta2(-0.5), "beta2", "-0.5"),
                new Bad(d.toBuilder().eps(-1e-8), "eps", "-1.0E-8"),
                new Bad(d.toBuilder().maxGradNorm(Double.NaN), "maxGradNorm", "NaN"),
                new Bad(d.toBuilder().logEvery(-1), "logEvery", "-1"),
                new Bad(d.toBuilder().evalEvery(-2), "evalEvery", "-2"),
                new Bad(d.toBuilder().saveEvery(-3), "saveEvery", "-3"),
                new Bad(d.toBuilder().keepLast(-1), "keepLast", "-1"),
                new Bad(d.toBuilder().maxBadFraction(2), "maxBadFraction", "2.0"),
                new Bad(d.toBuilder().stopAfterSteps(-1), "stopAfterSteps", "-1"),
                new Bad(d.toBuilder().evalProblems(-1), "evalProblems", "-1"),
                new Bad(d.toBuilder().evalMaxTokens(0), "evalMaxTokens", "0"))) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class, bad.b()::build, bad.field());
            assertTrue(e.getMessage().startsWith(bad.field() + " ") && e.getMessage().contains("got " + bad.value()),
                    bad.field() + ": " + e.getMessage());
            assertEquals(bad.field(), e.setting());
            assertEquals(e.getMessage(), bad.field() + " " + e.rule());
        }
        // edge values that mean something stay accepted
        assertDoesNotThrow(() -> d.toBuilder().maxGradNorm(0).keepLast(0).logEvery(0).evalEvery(Integer.MAX_VALUE).warmupRatio(0)
                .weightDecay(0).beta1(0).lr(0).maxBadFraction(1).build());
    }

    @Test
    void aTwoStageRunWithoutStage2ProblemsToDecodeIsRefusedBeforeStage1Loads() {
        TrainConfig cfg = TrainConfig.builder().evalProblems(2).build();
        java.nio.file.Path none = java.nio.file.Path.of("no-such-dir-" + System.nanoTime());
        var s1 = new TrainRun.Stage(none.resolve("base.bin"), null, none.resolve("s1.jsonl"), none.resolve("s1-val.jsonl"),
                dev.calx.trainer.data.DataFormat.TORA, none.resolve("stage1"), cfg);
        // an IOException for the missing base model would mean stage 1 had started
        var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.twoStage(s1, none.resolve("s2.jsonl"), null,
                dev.calx.trainer.data.DataFormat.TORA, cfg, System.err));
        assertTrue(e.getMessage().contains("needs validation data") && e.getMessage().contains("s2.jsonl"), e.getMessage());
    }
}
