package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The report's section for the large-model check (benchmarks/large-model-check), from its JSON. */
final class LargeModelSection {
    private LargeModelSection() {}

    static String markdown(Path json) throws IOException {
        StringBuilder b = new StringBuilder("## Large model: Llama-2-7B shape, bf16, memory-mapped\n\n");
        if (!Files.exists(json)) {
            return b.append("Not run (it writes a 13.5 GB checkpoint; not part of `benchmarks/run`). Run it with ")
                    .append("`benchmarks/large-model-check` (see docs/benchmarks.md); its result lands in ")
                    .append("`benchmarks/report/large-model.json` and appears here.\n\n").toString();
        }
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        JsonNode m = n.path("machine");
        b.append(String.format("Measured %s by `%s` on %s, %d cores; %s; backend %s; %s threads.%n%n",
                m.path("date").asText(), n.path("command").asText(), m.path("cpu").asText(), m.path("cores").asInt(),
                m.path("jdk").asText(), n.path("backend").asText(), n.path("threads").asText()));
        b.append("| quantity | value |\n|---|---|\n");
        row(b, "checkpoint (random weights, HF safetensors shards)", String.format("%.2f GB, %d layers, written in %.1f s",
                n.path("fileBytes").asDouble() / 1e9, n.path("config").path("numHiddenLayers").asInt(), n.path("writeSeconds").asDouble()));
        row(b, "load (memory-map, validate)", String.format("%.2f s", n.path("loadSeconds").asDouble()));
        for (var e : n.path("rss").properties()) {
            JsonNode r = e.getValue();
            row(b, "RSS " + e.getKey(), String.format("%.2f GB (anonymous %.2f GB, file-backed %.2f GB)",
                    r.path("VmRSS").asDouble() / 1e9, r.path("RssAnon").asDouble() / 1e9, r.path("RssFile").asDouble() / 1e9));
        }
        row(b, "first token (page faults included)", String.format("%.2f s", n.path("firstTokenSeconds").asDouble()));
        row(b, "decode tokens/s (tokens 2.." + n.path("tokens").asInt() + ")", String.format("%.3f", n.path("tokensPerSecond").asDouble()));
        row(b, "bytes read per token", String.format("%.2f GB", n.path("bytesPerToken").asDouble() / 1e9));
        row(b, "achieved bandwidth", String.format("%.1f GB/s", n.path("achievedGBps").asDouble()));
        if (n.has("bandwidthGBps")) {
            row(b, "bound (numpy matrix-vector " + n.path("bandwidthGBps").asText() + " GB/s / bytes per token)",
                    String.format("%.3f tokens/s; Calx reaches %.0f%% of it", n.path("boundTokensPerSecond").asDouble(),
                            100 * n.path("fractionOfBound").asDouble()));
        }
        return b.append('\n').toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
