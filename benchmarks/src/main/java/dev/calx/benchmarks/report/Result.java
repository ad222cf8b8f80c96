package dev.calx.benchmarks.report;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One measured number: which question ({@code bench} plus {@code params}), who answered it
 * ({@code source}: "calx" or a peer such as "numpy"), the value and its unit, and where it came
 * from ({@code origin}: the JMH benchmark or the peer script) and on how many threads (informational,
 * "" when unknown). A Calx result and a peer result
 * answer the same question exactly when their {@link #key()}s are equal.
 */
public record Result(String bench, Map<String, String> params, String source, double value, String unit, String origin,
                     String threads) {
    public Result {
        params = new TreeMap<>(params);
    }

    /** bench plus the sorted params, e.g. {@code gemm[shape=1024x1024x1024,threads=2]}. */
    public String key() {
        return params.isEmpty() ? bench : bench + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "[", "]"));
    }

    public String param(String name) {
        return params.get(name);
    }

    /** True for units where smaller is better (latencies), so ratios are inverted for them. */
    public static boolean lowerIsBetter(String unit) {
        String u = unit.trim().toLowerCase();
        return u.equals("ms") || u.equals("s") || u.equals("us") || u.equals("µs") || u.equals("ns")
                || u.endsWith("/op") || u.startsWith("ms/") || u.startsWith("s/");
    }
}
