package dev.calx.benchmarks.large;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.calx.benchmarks.report.Machine;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.tensor.Backends;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The large-model check (not in CI): writes a random-weight Llama-2-7B-shape bf16 Hugging Face
 * checkpoint (about 13.5 GB) into a temporary directory, memory-maps it with
 * {@link LlamaModel#load}, decodes greedily, and reports tokens/s, resident memory at each stage
 * and the memory-bandwidth bound (bytes read per token / measured matrix-vector bandwidth).
 * Run through {@code benchmarks/large-model-check}; the JSON goes to benchmarks/report/large-model.json.
 * <p>
 * Options: {@code --dir DIR} (parent of the temporary directory; default java.io.tmpdir),
 * {@code --tokens N} (16), {@code --layers N} (32; fewer for a smoke run), {@code --bandwidth GBPS}
 * (numpy's matrix-vector GB/s, for the bound), {@code --out FILE}, {@code --keep} (do not delete
 * the checkpoint), {@code --command TEXT}.
 */
public final class LargeModelCheck {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keep")) o.put("keep", "");
            else if (args[i].startsWith("--") && i + 1 < args.length) o.put(args[i].substring(2), args[++i]);
            else throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
        }
        int layers = Integer.parseInt(o.getOrDefault("layers", "32")), tokens = Integer.parseInt(o.getOrDefault("tokens", "16"));
        // Llama-2-7B: hidden 4096, intermediate 11008, 32 layers, 32 heads (no GQA), vocab 32000, untied head.
        LlamaConfig c = new LlamaConfig(4096, 11008, layers, 32, 32, 32000, 1e-5f, 10000f, 4096, false, 1, 2);
        Path parent = Path.of(o.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
        long need = c.parameterCount() * 2;
        FileStore store = Files.getFileStore(parent);
        long free = store.getUsableSpace();
        if (free < need + (2L << 30)) {
            throw new IOException(String.format("%s has %.1f GB free; the checkpoint needs %.1f GB plus 2 GB to spare (use --dir)",
                    parent, free / 1e9, need / 1e9));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", o.getOrDefault("command", "LargeModelCheck " + String.join(" ", args)));
        r.put("machine", Machine.detect());
        r.put("backend", Backends.get().describe());
        r.put("threads", System.getProperty("calx.threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        r.put("config", c);
        r.put("parameters", c.parameterCount());
        Path dir = Files.createTempDirectory(parent, "calx-llama7b-");
        System.out.printf("writing %.2f GB of random bf16 weights (%d layers) to %s (%.1f GB free)%n", need / 1e9, layers, dir, free / 1e9);
        try {
            long t0 = System.nanoTime();
            long written = RandomCheckpointWriter.write(c, dir, 5_000_000_000L, 7);
            double writeS = (System.nanoTime() - t0) / 1e9;
            r.put("fileBytes", written);
            r.put("writeSeconds", round(writeS));
            System.out.printf("wrote %.2f GB in %.1f s (%.2f GB/s)%n", written / 1e9, writeS, written / 1e9 / writeS);

            Map<String, Map<String, Long>> rss = new LinkedHashMap<>();
            rss.put("beforeLoad", Rss.read());
            t0 = System.nanoTime();
            try (LlamaModel m = LlamaModel.load(dir)) {
                r.put("loadSeconds", round((System.nanoTime() - t0) / 1e9));
                rss.put("afterLoad", Rss.read());
                System.out.printf("loaded in %.2f s; RSS %s%n", (System.nanoTime() - t0) / 1e9, rss.get("afterLoad"));
                try (InferenceSession s = m.newSession(tokens + 8)) {
                    List<Integer> ids = new ArrayList<>();
                    List<Double> seconds = new ArrayList<>();
                    int next = c.bosTokenId();
                    for (int i = 0; i < tokens; i++) {
                        long a = System.nanoTime();
                        float[] logits = s.append(next);
                        seconds.add((System.nanoTime() - a) / 1e9);
                        next = argmax(logits);
                        ids.add(next);
                        if (i == 0) rss.put("afterFirstToken", Rss.read());
                        System.out.printf("token %2d: id %5d in %.3f s%n", i + 1, next, seconds.getLast());
                    }
                    rss.put("afterDecode", Rss.read());
                    double steady = seconds.subList(1, seconds.size()).stream().mapToDouble(Double::doubleValue).sum();
                    double tps = (seconds.size() - 1) / steady;
                    r.put("tokens", tokens);
                    r.put("tokenIds", ids);
                    r.put("firstTokenSeconds", round(seconds.getFirst()));
                    r.put("tokensPerSecond", round(tps));
                    r.put("tokensPerSecondIncludingFirst", round(tokens / seconds.stream().mapToDouble(Double::doubleValue).sum()));
                    // the cache grows from 1 to `tokens` positions: count its mean length
                    double bytes = exactBytes(c, tokens / 2);
                    r.put("bytesPerToken", (long) bytes);
                    r.put("achievedGBps", round(bytes * tps / 1e9));
                    if (o.containsKey("bandwidth")) {
                        double bw = Double.parseDouble(o.get("bandwidth"));
                        r.put("bandwidthGBps", bw);
                        r.put("boundTokensPerSecond", round(bw * 1e9 / bytes));
                        r.put("fractionOfBound", round(tps / (bw * 1e9 / bytes)));
                    }
                }
            }
            r.put("rss", rss);
        } finally {
            if (!o.containsKey("keep")) deleteTree(dir);
            else System.out.println("kept " + dir);
        }
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        System.out.println(json);
        if (o.containsKey("out")) {
            Path out = Path.of(o.get("out"));
            dev.calx.llama.format.TempFiles.writeAtomically(out, (json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * Bytes one decode step reads: every layer matrix and the untied head once (the embedding
     * lookup reads one row, ignored), plus the fp32 KV cache at the given length. Matches
     * {@link dev.calx.benchmarks.report.DecodeBound} for 32 layers.
     */
    static double exactBytes(LlamaConfig c, int context) {
        double d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize();
        return c.numHiddenLayers() * (2 * d * d + 2 * kv * d + 3 * h * d) * 2 + (double) c.vocabSize() * d * 2
                + 2.0 * c.numHiddenLayers() * context * kv * 4;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** VmRSS and its anonymous / file-backed parts from /proc/self/status, in bytes. */
    static final class Rss {
        static Map<String, Long> read() throws IOException {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                for (String k : List.of("VmRSS", "RssAnon", "RssFile")) {
                    if (line.startsWith(k + ":")) m.put(k, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
            return m;
        }
    }
}
