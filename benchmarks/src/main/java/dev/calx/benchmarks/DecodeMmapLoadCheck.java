package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.format.Llama2c;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory-mapped loading copies no weights: resident memory (VmRSS) grows by a small fraction of
 * the file size at load, and by the touched pages on first use. Not a JMH benchmark (it measures
 * bytes, not time). Usage:
 * <pre>
 *   java ... DecodeMmapLoadCheck write stories110M F32 /tmp/m.bin      # llama2.c v0 (or a dir: HF)
 *   java ... DecodeMmapLoadCheck load /tmp/m.bin [WARM]               # fresh JVM: RSS before/after load/first token
 * </pre>
 * WARM, a small checkpoint of the same format, is loaded first so that the one-time cost of
 * loading classes (Jackson for HF) is not counted against the file.
 */
public final class DecodeMmapLoadCheck {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write" -> {
                var w = DecodeShapes.weights(args[1], args[2]);
                Path out = Path.of(args[3]);
                if (out.getFileName().toString().endsWith(".bin")) Llama2c.write(w, out, 0);
                else HfCheckpoint.write(w, out, null, null, Long.MAX_VALUE);
                System.out.println("wrote " + out);
            }
            case "load" -> {
                Path p = Path.of(args[1]);
                long file = Files.isDirectory(p) ? Files.size(p.resolve("model.safetensors")) : Files.size(p);
                if (args.length > 2) {
                    try (LlamaModel warm = LlamaModel.load(Path.of(args[2]))) {
                        System.out.println("warmed up with " + warm.source());
                    }
                }
                System.gc();
                long before = rss();
                long t0 = System.nanoTime();
                try (LlamaModel m = LlamaModel.load(p)) {
                    long t1 = System.nanoTime();
                    long loaded = rss();
                    System.out.printf("file %.1f MB; load %.1f ms; RSS before %.1f MB, after load %.1f MB: +%.1f MB = %.2f%% of the file%n",
                            file / 1e6, (t1 - t0) / 1e6, before / 1e6, loaded / 1e6, (loaded - before) / 1e6,
                            100.0 * (loaded - before) / file);
                    try (InferenceSession s = m.newSession(16)) {
                        s.append(1);
                    }
                    long used = rss();
                    System.out.printf("after the first token: RSS %.1f MB: +%.1f MB = %.1f%% of the file (pages touched)%n",
                            used / 1e6, (used - before) / 1e6, 100.0 * (used - before) / file);
                }
            }
            default -> throw new IllegalArgumentException("usage: write SHAPE DTYPE OUT | load PATH");
        }
    }

    static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
