package dev.calx.trainer;

import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    static byte[] mutate(byte[] b, SplittableRandom r, StringBuilder what) {
        int at = r.nextInt(Math.min(b.length, 2048));
        switch (r.nextInt(5)) {
            case 0 -> {
                byte[] c = b.clone();
                int k = 1 + r.nextInt(3);
                for (int i = 0; i < k; i++) {
                    int p = Math.min(c.length - 1, at + r.nextInt(16));
                    c[p] = (byte) r.nextInt(256);
                    what.append(" byte ").append(p).append("=0x").append(Integer.toHexString(c[p] & 0xFF));
                }
                return c;
            }
            case 1 -> {
                int len = r.nextInt(b.length);
                what.append(" truncated to ").append(len);
                return Arrays.copyOf(b, len);
            }
            case 2 -> {
                int k = Math.min(b.length - at, 1 + r.nextInt(8));
                byte[] c = new byte[b.length - k];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + k, c, at, b.length - at - k);
                what.append(" deleted ").append(k).append(" at ").append(at);
                return c;
            }
            case 3 -> {
                long[] v = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32, Long.MAX_VALUE, 3};
                int p = Math.max(0, Math.min(b.length - 8, at & ~7));
                long x = v[r.nextInt(v.length)];
                byte[] c = b.clone();
                for (int i = 0; i < 8 && p + i < c.length; i++) c[p + i] = (byte) (x >>> (8 * i));
                what.append(" word64 at ").append(p).append("=").append(x);
                return c;
            }
            default -> {
                String[] repl = {"0", "-1", "2147483648", "1e400", "12.5", "99999999999", "\"7\"", "null", "[]", "true"};
                String s = new String(b, StandardCharsets.ISO_8859_1);
                int p = -1;
                for (int tries = 0; tries < 64 && p < 0; tries++) {
                    int q = r.nextInt(Math.min(s.length(), 2048));
                    if (Character.isDigit(s.charAt(q))) p = q;
                }
                if (p < 0) return mutate(b, r, what);
                int e = p;
                while (e < s.length() && (Character.isDigit(s.charAt(e)) || s.charAt(e) == '.')) e++;
                while (p > 0 && (Character.isDigit(s.charAt(p - 1)) || s.charAt(p - 1) == '.' || s.charAt(p - 1) == '-')) p--;
                String x = repl[r.nextInt(repl.length)];
                what.append(" number at ").append(p).append(" -> ").append(x);
                return (s.substring(0, p) + x + s.substring(e)).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }

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
            Files.write(victim, mutate(Files.readAllBytes(victim), r, what));
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
