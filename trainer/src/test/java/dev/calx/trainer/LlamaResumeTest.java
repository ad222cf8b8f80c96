package dev.calx.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.optim.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Exact resume of a tiny Llama (GQA, untied head, 2-way accumulation, clipping, weight decay,
 * warm-up) through its real Hugging Face checkpoints: the losses step by step and the final
 * weights and AdamW moments are bit for bit those of the run that never stopped. Once in this
 * JVM (stopped after step 5 of 10), and once the way it happens: a JVM killed with SIGKILL while
 * it writes checkpoint 8, and a fresh, cold JVM resuming from checkpoint 6 (the kernels' bits
 * must not depend on how warm the JIT is).
 */
class LlamaResumeTest {
    @TempDir Path tmp;

    static Dataset train() { return TrainerTest.data(40, 64, 11); }

    static Dataset val() { return TrainerTest.data(8, 64, 12); }

    @Test
    void llamaRunStoppedAfterStep5AndResumedGivesBitIdenticalLossesAndWeights() throws Exception {
        Path init = LlamaParityTest.resource("tiny_llama_init");
        TrainConfig cfg = TrainerTest.cfg();
        LlamaTrainable a = LlamaTrainable.load(init);
        Trainer.Result full = new Trainer(cfg, a, train(), val(), tmp.resolve("full"), 2, TrainerTest.quiet()).run();
        assertEquals(10, full.finalStep());

        Trainer.Result first = new Trainer(cfg.withStopAfterSteps(5), LlamaTrainable.load(init), train(), val(), tmp.resolve("r"), 2,
                TrainerTest.quiet()).run();
        assertFalse(first.finished());
        LlamaTrainable b = LlamaTrainable.load(init);
        Trainer.Result second = new Trainer(cfg, b, train(), val(), tmp.resolve("r"), 2, TrainerTest.quiet()).run();
        assertTrue(second.finished());

        List<double[]> joined = new ArrayList<>(first.stepLosses());
        joined.addAll(second.stepLosses());
        assertEquals(10, joined.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(Double.doubleToRawLongBits(full.stepLosses().get(i)[1]), Double.doubleToRawLongBits(joined.get(i)[1]),
                    "loss at step " + (i + 1) + ": " + full.stepLosses().get(i)[1] + " vs " + joined.get(i)[1]);
        }
        List<Param> pa = a.params(), pb = b.params();
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).value().toArray(), y = pb.get(i).value().toArray();
            for (int k = 0; k < x.length; k++) {
                assertEquals(Float.floatToRawIntBits(x[k]), Float.floatToRawIntBits(y[k]), pa.get(i).name() + "[" + k + "]: " + x[k] + " vs " + y[k]);
            }
        }
        sameCheckpointFiles(tmp.resolve("full/checkpoint-10"), tmp.resolve("r/checkpoint-10"));
    }

    @Test
    void llamaRunKilledWhileWritingACheckpointAndResumedInAFreshJvmGivesBitIdenticalLossesAndWeights() throws Exception {
        Path init = LlamaParityTest.resource("tiny_llama_init");
        Path fullDir = tmp.resolve("full"), killed = tmp.resolve("killed");
        Trainer.Result full = new Trainer(TrainerTest.cfg(), LlamaTrainable.load(init), train(), val(), fullDir, 2, TrainerTest.quiet()).run();
        assertEquals(10, full.finalStep());

        // child 1 trains, saves checkpoints 2, 4, 6, and blocks inside the write of checkpoint 8 (model files in the
        // temporary directory, not renamed yet); then it gets SIGKILL
        Process p = child(init, killed, "block-in-save-8", tmp.resolve("child1"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.readString(tmp.resolve("child1.out")).contains("BLOCKED")) {
                assertTrue(p.isAlive(), () -> "child 1 ended before reaching checkpoint 8: " + read(tmp.resolve("child1.err")));
                assertTrue(System.nanoTime() < deadline, "child 1 did not reach checkpoint 8 in 180 s");
                Thread.sleep(20);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        assertEquals("checkpoint-6", Checkpoints.latest(killed).orElseThrow().getFileName().toString());
        try (var s = Files.list(killed)) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith(".tmp-checkpoint-8")), "the kill left a half-written checkpoint");
        }
        assertEquals(8, Files.readAllLines(killed.resolve(Trainer.METRICS)).size(), "rows of steps 7 and 8 were logged before the kill");

        // child 2: a fresh JVM (cold JIT) resumes from checkpoint 6 and finishes
        Process q = child(init, killed, "run", tmp.resolve("child2"));
        boolean done = q.waitFor(180, TimeUnit.SECONDS);
        if (!done) q.destroyForcibly();
        assertTrue(done, "child 2 did not finish in 180 s");
        String err = read(tmp.resolve("child2.err"));
        assertEquals(0, q.exitValue(), err);
        assertTrue(err.contains("resuming from") && err.contains("checkpoint-6"), err);

        ObjectMapper json = new ObjectMapper();
        List<String> rows = Files.readAllLines(killed.resolve(Trainer.METRICS));
        assertEquals(10, rows.size());
        for (int i = 0; i < 10; i++) {
            var row = json.readTree(rows.get(i));
            assertEquals(i + 1, row.get("step").asInt());
            double want = full.stepLosses().get(i)[1], got = row.get("loss").asDouble();
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), "loss at step " + (i + 1) + ": " + want + " vs " + got);
        }
        sameCheckpointFiles(fullDir.resolve("checkpoint-10"), killed.resolve("checkpoint-10"));
        try (var s = Files.list(killed)) {
            assertFalse(s.anyMatch(f -> f.getFileName().toString().startsWith(".tmp-")), "the resumed run removed the half-written checkpoint");
        }
    }

    /** Weights, AdamW moments and trainer state byte for byte. */
    private static void sameCheckpointFiles(Path a, Path b) throws IOException {
        for (String f : List.of("config.json", "model.safetensors", Checkpoints.OPTIMIZER, Checkpoints.STATE)) {
            assertEquals(-1L, Files.mismatch(a.resolve(f), b.resolve(f)), f + " differs between " + a + " and " + b);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + f + ": " + e + ")";
        }
    }

    /** A child JVM running {@link Child}; stdout and stderr go to logs + ".out" / ".err". */
    private static Process child(Path init, Path out, String mode, Path logs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("calx.")) cmd.add("-D" + k + "=" + System.getProperty(k)); // same threads, backend, kernels
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), init.toString(), out.toString(), mode));
        Process p = new ProcessBuilder(cmd).redirectOutput(Path.of(logs + ".out").toFile())
                .redirectError(Path.of(logs + ".err").toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    /** The training command's loop in a JVM of its own; "block-in-save-8" parks inside the 4th checkpoint write. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            LlamaTrainable m = LlamaTrainable.load(Path.of(args[0]));
            TrainableModel model = args[2].equals("block-in-save-8") ? new BlockingSave(m, 4) : m;
            new Trainer(TrainerTest.cfg(), model, train(), val(), Path.of(args[1]), 2, System.err).run();
        }
    }

    private record BlockingSave(LlamaTrainable m, int blockAtWrite) implements TrainableModel {
        private static int writes;

        @Override public List<Param> params() { return m.params(); }
        @Override public void zeroGrad() { m.zeroGrad(); }
        @Override public double forwardBackward(Batch b, float n) { return m.forwardBackward(b, n); }
        @Override public double evalLossSum(Batch b) { return m.evalLossSum(b); }
        @Override public void loadModelFiles(Path dir) throws IOException { m.loadModelFiles(dir); }
        @Override public long activationBytes(int rows, int width) { return m.activationBytes(rows, width); }

        @Override
        public void writeModelFiles(Path dir) throws IOException {
            m.writeModelFiles(dir);
            if (++writes == blockAtWrite) {
                System.out.println("BLOCKED");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
