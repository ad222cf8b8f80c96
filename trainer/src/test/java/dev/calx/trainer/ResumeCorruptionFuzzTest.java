package dev.calx.trainer;

import dev.calx.llama.format.Mutations;
import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random corruption of what a resume reads (the checkpoint's trainer_state.json and
 * optimizer.safetensors, and metrics.jsonl): each resume either runs to the end or stops with an
 * IOException or IllegalArgumentException naming the file (or, for a setting that differs from
 * this run's, the checkpoint directory), never with an exception from inside the optimizer or the
 * loop, nor with a diverged loss that names the damaged checkpoint as the last good one. Seed and count: {@code -Dcalx.fuzz.seed}, {@code -Dcalx.fuzz.n}.
 */
class ResumeCorruptionFuzzTest {
    static final long SEED = Long.getLong("calx.fuzz.seed", 26);
    static final int N = Integer.getInteger("calx.fuzz.n", 120);

    @TempDir
    Path tmp;

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    @Test
    void corruptResumeFilesResumeOrAreErrorsNamingTheFile() throws Exception {
        Dataset train = TrainerTest.data(40, 16, 1);
        Path base = tmp.resolve("base");
        new Trainer(TrainerTest.cfg().withStopAfterSteps(3), new TinyLm(16, 8, 3), train, null, base, 0, TrainerTest.quiet()).run();
        Path ck = Checkpoints.latest(base).orElseThrow();
        List<Path> victims = List.of(base.relativize(ck.resolve(Checkpoints.STATE)), base.relativize(ck.resolve(Checkpoints.OPTIMIZER)),
                Path.of(Trainer.METRICS));
        SplittableRandom r = new SplittableRandom(SEED);
        List<String> found = new ArrayList<>();
        int finished = 0, refused = 0;
        for (int i = 0; i < N; i++) {
            Path out = tmp.resolve("r" + i);
            copyTree(base, out);
            Path victim = out.resolve(victims.get(r.nextInt(victims.size())).toString());
            StringBuilder what = new StringBuilder(out.relativize(victim) + ":");
            Files.write(victim, Mutations.mutate(Files.readAllBytes(victim), r, what, 2048));
            try {
                new Trainer(TrainerTest.cfg(), new TinyLm(16, 8, 3), train, null, out, 0, TrainerTest.quiet()).run();
                finished++;
            } catch (IOException | IllegalArgumentException e) {
                // the file, or for a setting that differs from this run's, the checkpoint directory
                String m = e.getMessage();
                if (m == null || !(m.contains(victim.getFileName().toString()) || !victim.getParent().equals(out) && m.contains(victim.getParent().toString()))) {
                    found.add(what + " " + e);
                }
                refused++;
            } catch (Throwable t) {
                found.add(what + " " + t);
            }
            deleteTree(out);
        }
        System.out.println("resume: " + N + " mutations (seed " + SEED + "): " + finished + " ran to the end, " + refused
                + " refused, " + found.size() + " findings");
        assertEquals(List.of(), found, N + " mutations, seed " + SEED);
    }
}
