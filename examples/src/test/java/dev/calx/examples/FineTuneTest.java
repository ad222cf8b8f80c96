package dev.calx.examples;

import dev.calx.llama.LlamaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FineTuneTest {
    @TempDir Path tmp;

    @Test
    void aFewStepsOnAJsonlLowerTheLossAndLeaveALoadableCheckpoint() throws Exception {
        String out = Stdout.of(() -> FineTune.main(new String[]{tmp.toString()}));
        List<Double> losses = out.lines().filter(l -> l.startsWith("step ")).map(l -> Double.parseDouble(l.split(" ")[3])).toList();
        assertEquals(12, losses.size(), "16 rows / batch 4 = 4 steps per epoch, 3 epochs:\n" + out);
        assertTrue(losses.getLast() < 0.8 * losses.getFirst(), "the loss went down: " + losses);
        Path ckpt = Path.of(out.lines().filter(l -> l.startsWith("checkpoint ")).findFirst().orElseThrow().substring(11));
        assertTrue(ckpt.startsWith(tmp.resolve("run")), ckpt.toString());
        try (LlamaModel m = LlamaModel.load(ckpt)) {
            assertEquals(64, m.config().hiddenSize());
            assertEquals(2, m.config().numHiddenLayers());
        }
        assertTrue(Files.isRegularFile(tmp.resolve("train.jsonl")));
    }
}
