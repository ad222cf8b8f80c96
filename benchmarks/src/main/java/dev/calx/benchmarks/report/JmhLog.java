package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salvages results from JMH's human-readable output when its JSON never got written (the step
 * hit its time limit: JMH writes the JSON file only at the very end). Every parameter set that
 * finished has printed {@code Result "name":} and its score, which is all the report needs.
 */
public final class JmhLog {
    private static final Pattern PARAMS = Pattern.compile("^# Parameters: \\((.*)\\)$");
    private static final Pattern RESULT = Pattern.compile("^(Secondary result|Result) \"([^\"]+)\":$");
    private static final Pattern SCORE = Pattern.compile("^\\s+(NaN|[-\\d.,E]+)(?: ±\\(99\\.9%\\) (NaN|[-\\d.,E]+))? (\\S+)");

    private JmhLog() {}

    public static List<JmhRecord> parse(String log) {
        List<JmhRecord> out = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        List<String> jvmArgs = List.of();
        String mode = "thrpt";
        JmhRecord current = null;
        String[] lines = log.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("# VM options: ")) jvmArgs = Arrays.asList(l.substring(14).strip().split("\\s+"));
            if (l.startsWith("# Benchmark mode: ")) mode = l.contains("Throughput") ? "thrpt" : l.contains("Average") ? "avgt" : "other";
            if (l.startsWith("# Benchmark: ")) params = new LinkedHashMap<>();
            Matcher p = PARAMS.matcher(l);
            if (p.matches()) {
                for (String kv : p.group(1).split(", ")) {
                    int eq = kv.indexOf(" = ");
                    if (eq > 0) params.put(kv.substring(0, eq), kv.substring(eq + 3));
                }
            }
            Matcher r = RESULT.matcher(l);
            if (r.matches() && i + 1 < lines.length) {
                Matcher s = SCORE.matcher(lines[i + 1]);
                if (!s.find()) continue;
                JmhRecord.Metric m = new JmhRecord.Metric(num(s.group(1)), s.group(2) == null ? Double.NaN : num(s.group(2)), s.group(3));
                if (r.group(1).equals("Result")) {
                    current = new JmhRecord(r.group(2), mode, new LinkedHashMap<>(params), m, new LinkedHashMap<>(), jvmArgs,
                            "", "", 0, "", 0, "", 1);
                    out.add(current);
                } else if (current != null) {
                    String name = r.group(2);
                    current.secondary().put(name.substring(name.lastIndexOf(':') + 1), m);
                }
            }
        }
        return out;
    }

    private static double num(String s) {
        return s.equals("NaN") ? Double.NaN : Double.parseDouble(s.replace(",", ""));
    }

    /** Writes records in the subset of JMH's JSON layout that {@link JmhRecord#read} reads. */
    public static void writeJson(List<JmhRecord> records, Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JmhRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", r.benchmark());
            m.put("mode", r.mode());
            m.put("jvmArgs", r.jvmArgs());
            m.put("params", r.params());
            m.put("primaryMetric", metric(r.primary()));
            Map<String, Object> sec = new LinkedHashMap<>();
            r.secondary().forEach((k, v) -> sec.put(k, metric(v)));
            m.put("secondaryMetrics", sec);
            m.put("salvagedFromLog", true);
            out.add(m);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), out);
    }

    private static Map<String, Object> metric(JmhRecord.Metric m) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("score", Double.isNaN(m.score()) ? "NaN" : m.score());
        x.put("scoreError", Double.isNaN(m.error()) ? "NaN" : m.error());
        x.put("scoreUnit", m.unit());
        return x;
    }
}
