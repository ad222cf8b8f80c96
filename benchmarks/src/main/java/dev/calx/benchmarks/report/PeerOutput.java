package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a peer script printed. The contract (docs/benchmarks.md): one JSON object per line,
 * {@code {"bench": "gemm", "peer": "numpy", "value": 123.4, "unit": "GFLOP/s", "params": {...}}};
 * every other line is ignored (scripts may print human-readable text beside it).
 */
public final class PeerOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeerOutput() {}

    /** The contract lines of the output; a line that starts with '{' but breaks the contract is an error naming it. */
    public static List<Result> parse(String stdout, String origin) {
        List<Result> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : stdout.split("\n")) {
            lineNo++;
            String s = line.strip();
            if (!s.startsWith("{") || !s.contains("\"bench\"")) continue;
            JsonNode n;
            try {
                n = JSON.readTree(s);
            } catch (Exception e) {
                throw new IllegalArgumentException(origin + " line " + lineNo + ": not valid JSON: " + s);
            }
            for (String f : List.of("bench", "peer", "unit")) {
                if (!n.path(f).isTextual()) throw new IllegalArgumentException(origin + " line " + lineNo + ": missing string field '" + f + "': " + s);
            }
            if (!n.path("value").isNumber()) throw new IllegalArgumentException(origin + " line " + lineNo + ": 'value' must be a number: " + s);
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            out.add(new Result(n.get("bench").asText(), params, n.get("peer").asText(), n.get("value").asDouble(),
                    n.get("unit").asText(), origin,
                    n.path("params").has("threads") ? n.path("params").get("threads").asText() : n.path("threads").asText("")));
        }
        return out;
    }
}
