package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a JMH JSON result file ({@code -rf json}): the benchmark method, its parameters,
 * the primary score and the secondary metrics (AuxCounters such as "tokens" or "bytes"), and the
 * JVM facts needed to state how it ran.
 */
public record JmhRecord(String benchmark, String mode, Map<String, String> params, Metric primary,
                        Map<String, Metric> secondary, List<String> jvmArgs, String jdkVersion, String vmName,
                        int warmupIterations, String warmupTime, int measurementIterations, String measurementTime, int forks) {

    /**
     * A score with its error (NaN when JMH could not compute one), unit (e.g. "ops/s"), and the
     * percentiles JMH reports for sample-time benchmarks (keys "50.0", "90.0" ...; may be empty).
     */
    public record Metric(double score, double error, String unit, Map<String, Double> percentiles) {
        public Metric(double score, double error, String unit) {
            this(score, error, unit, Map.of());
        }

        /** The median for sample-time benchmarks, else the score. */
        public double median() {
            return percentiles.getOrDefault("50.0", score);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** "GemmBenchmark.gemm" from "dev.calx.benchmarks.GemmBenchmark.gemm". */
    public String simpleName() {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    public String className() {
        return simpleName().split("\\.")[0];
    }

    /** The value of a {@code -Dname=value} JVM argument of the fork, or null. */
    public String systemProperty(String name) {
        String prefix = "-D" + name + "=";
        String found = null;
        for (String a : jvmArgs) if (a.startsWith(prefix)) found = a.substring(prefix.length());
        return found;
    }

    public static List<JmhRecord> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a JMH JSON result file: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) return List.of(); // JMH writes an empty file when every benchmark failed
        if (!root.isArray()) throw new IOException(file + ": expected a JSON array of JMH results, found " + root.getNodeType());
        List<JmhRecord> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            String where = file + " entry " + i++;
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            Map<String, Metric> secondary = new LinkedHashMap<>();
            n.path("secondaryMetrics").properties().forEach(e -> secondary.put(e.getKey(), metric(e.getValue(), where)));
            List<String> jvmArgs = new ArrayList<>();
            n.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
            out.add(new JmhRecord(text(n, "benchmark", where), text(n, "mode", where), params,
                    metric(n.get("primaryMetric"), where), secondary, jvmArgs, n.path("jdkVersion").asText(""),
                    n.path("vmName").asText(""), n.path("warmupIterations").asInt(), n.path("warmupTime").asText(""),
                    n.path("measurementIterations").asInt(), n.path("measurementTime").asText(""), n.path("forks").asInt()));
        }
        return out;
    }

    private static String text(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IOException(where + ": missing string field '" + field + "'");
        return v.asText();
    }

    private static Metric metric(JsonNode m, String where) {
        if (m == null || !m.has("score")) throw new IllegalArgumentException(where + ": metric without a score");
        Map<String, Double> pct = new LinkedHashMap<>();
        m.path("scorePercentiles").properties().forEach(e -> pct.put(e.getKey(), number(e.getValue())));
        return new Metric(number(m.get("score")), number(m.get("scoreError")), m.path("scoreUnit").asText(""), pct);
    }

    /** JMH writes NaN as the string "NaN". */
    private static double number(JsonNode v) {
        if (v == null) return Double.NaN;
        if (v.isNumber()) return v.asDouble();
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
