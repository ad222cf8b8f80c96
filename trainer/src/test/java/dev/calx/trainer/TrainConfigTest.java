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
}
