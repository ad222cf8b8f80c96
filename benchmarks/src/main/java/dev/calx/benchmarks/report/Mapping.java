package dev.calx.benchmarks.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How one JMH benchmark method's record becomes a {@link Result}: the bench key it answers, the
 * unit, and the value (the primary score, an AuxCounters rate, or a conversion such as
 * ops/s x 2mnk = FLOP/s). Benchmarks without a mapping are reported as they are
 * ({@link #fallback}).
 */
public record Mapping(String benchmark, String bench, String unit, ToDoubleFunction<JmhRecord> value) {

    /** Applies the mapping: params as the benchmark declared them, threads from -Dcalx.threads or a threads param. */
    public Result apply(JmhRecord r) {
        return new Result(bench, new LinkedHashMap<>(r.params()), "calx", value.applyAsDouble(r), unit, r.simpleName(), threads(r));
    }

    public static Result fallback(JmhRecord r) {
        return new Result(r.simpleName(), new LinkedHashMap<>(r.params()), "calx", r.primary().score(), r.primary().unit(),
                r.simpleName(), threads(r));
    }

    static String threads(JmhRecord r) {
        String t = r.params().get("threads");
        if (t == null) t = r.systemProperty("calx.threads");
        return t == null ? "" : t;
    }

    /** The primary score as it is (ops/s where an op is the unit, e.g. one decoded token). */
    public static ToDoubleFunction<JmhRecord> score() {
        return r -> r.primary().score();
    }

    /** The median of a sample-time benchmark (JMH's 50th percentile; the mean when absent). */
    public static ToDoubleFunction<JmhRecord> median() {
        return r -> r.primary().median();
    }

    /** An AuxCounters rate (e.g. "tokens", "bytes") times scale; NaN when the counter is absent. */
    public static ToDoubleFunction<JmhRecord> counter(String name, double scale) {
        return r -> {
            JmhRecord.Metric m = r.secondary().get(name);
            return m == null ? Double.NaN : m.score() * scale;
        };
    }

    /** ops/s of one m x n x k matrix product, in GFLOP/s (2mnk flops per op). */
    public static ToDoubleFunction<JmhRecord> gemmGflops() {
        return r -> r.primary().score() * 2.0 * product(gemmDims(r.params())) / 1e9;
    }

    /** ops/s of one rows x cols matrix-vector product over bytes-per-weight storage, in GB/s of weights read. */
    public static ToDoubleFunction<JmhRecord> gemvGBps(ToDoubleFunction<JmhRecord> bytesPerWeight) {
        return r -> {
            long[] d = gemmDims(r.params());
            return r.primary().score() * d[0] * d[d.length - 1] * bytesPerWeight.applyAsDouble(r) / 1e9;
        };
    }

    /**
     * m, n, k from the params: "shape" written MxNxK (or NxK for a matrix-vector shape), "size"
     * for a square, or separate m/n/k params.
     */
    public static long[] gemmDims(Map<String, String> p) {
        if (p.containsKey("shape")) {
            String[] s = p.get("shape").split("[x×]");
            long[] d = new long[s.length];
            for (int i = 0; i < s.length; i++) d[i] = Long.parseLong(s[i].trim());
            return d;
        }
        if (p.containsKey("size")) {
            long n = Long.parseLong(p.get("size"));
            return new long[]{n, n, n};
        }
        if (p.containsKey("m") && p.containsKey("n") && p.containsKey("k")) {
            return new long[]{Long.parseLong(p.get("m")), Long.parseLong(p.get("n")), Long.parseLong(p.get("k"))};
        }
        throw new IllegalArgumentException("cannot find matrix dimensions (shape, size or m/n/k) in params " + p);
    }

    private static double product(long[] d) {
        double x = 1;
        for (long v : d) x *= v;
        return x;
    }
}
