package dev.calx.trainer.checkpoint;

import dev.calx.tensor.Tensor;
import dev.calx.trainer.optim.AdamW;
import dev.calx.trainer.optim.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Replacing a checkpoint of the same step never loses it, whatever fails on the way. */
class CheckpointsTest {
    @TempDir Path tmp;

    private static final AdamW OPT = new AdamW(AdamW.Config.of(0));

    static {
        OPT.update(List.of(new Param("w", Tensor.wrap(new float[]{1, 2}, new int[]{2}), Tensor.wrap(new float[]{.1f, .2f}, new int[]{2}))), 0.01);
    }

    private static TrainerState state(long step, double lastLoss) {
        return new TrainerState(TrainerState.VERSION, step, 0, 1, 42, 100, 2e-5, "linear", 0, 10, 0.9, 0.999, 1e-8, 0, 1, 8, 1, 64, lastLoss);
    }

    private Path save(double lastLoss, Checkpoints.Mover mover) throws IOException {
        return Checkpoints.save(tmp, state(3, lastLoss), OPT, Map.of("w", new int[]{2}),
                dir -> Files.writeString(dir.resolve("model.txt"), "loss " + lastLoss), 2, mover);
    }

    private static final Checkpoints.Mover ATOMIC = (a, b) -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);

    private double latestLoss() throws IOException {
        return Checkpoints.readState(Checkpoints.latest(tmp).orElseThrow(() -> new AssertionError("no checkpoint left in " + tmp))).lastLoss();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedMoveOfTheNewCheckpointKeepsTheOldOne() throws IOException {
        save(1.0, ATOMIC);
        // the new checkpoint cannot be moved into place (a full disk, a crash in a real run)
        Checkpoints.Mover failIn = (a, b) -> {
            if (a.getFileName().toString().startsWith(".tmp-checkpoint-")) throw new IOException("disk full (test)");
            ATOMIC.move(a, b);
        };
        IOException e = assertThrows(IOException.class, () -> save(2.0, failIn));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(1.0, latestLoss(), "the old checkpoint-3 is still there");
        assertEquals(List.of("checkpoint-3"), names());
        assertEquals("loss 1.0", Files.readString(tmp.resolve("checkpoint-3/model.txt")));
    }

    @Test
    void aCrashBetweenTheTwoRenamesIsRepairedWhenTheNextRunStarts() throws IOException {
        save(1.0, ATOMIC);
        // only the first rename (old checkpoint aside) happens, then the process "dies"
        AtomicInteger moves = new AtomicInteger();
        Checkpoints.Mover crash = (a, b) -> {
            if (moves.getAndIncrement() > 0) throw new IOException("killed (test)");
            ATOMIC.move(a, b);
        };
        assertThrows(IOException.class, () -> save(2.0, crash));
        Checkpoints.removeTemporaries(tmp); // what a run does first
        assertEquals(1.0, latestLoss());
        assertEquals(List.of("checkpoint-3"), names());
        assertEquals("loss 1.0", Files.readString(tmp.resolve("checkpoint-3/model.txt")));
    }

    @Test
    void replacingACheckpointOfTheSameStepLeavesOnlyTheNewOne() throws IOException {
        save(1.0, ATOMIC);
        save(2.0, ATOMIC);
        assertEquals(2.0, latestLoss());
        assertEquals(List.of("checkpoint-3"), names());
        assertEquals("loss 2.0", Files.readString(tmp.resolve("checkpoint-3/model.txt")));
    }
}
