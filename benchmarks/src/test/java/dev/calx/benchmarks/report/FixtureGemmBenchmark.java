package dev.calx.benchmarks.report;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * A tiny real benchmark for the report tests: a naive m x n x k product (shape param, like the
 * real GEMM benchmarks) with an AuxCounters rate, so that the tests parse JSON that JMH itself
 * wrote, with params and secondary metrics, instead of hand-written numbers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FixtureGemmBenchmark {
    @Param({"4x5x6", "8x8x8"})
    public String shape;

    int m, n, k;
    float[] a, b, c;

    /** Multiply-adds done, reported by JMH as a rate beside ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public long macs;
    }

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        n = Integer.parseInt(s[1]);
        k = Integer.parseInt(s[2]);
        a = new float[m * k];
        b = new float[n * k];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = i % 7 - 3;
        for (int i = 0; i < b.length; i++) b[i] = i % 5 - 2;
    }

    @Benchmark
    public float gemm(Work w) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = s;
            }
        }
        w.macs += (long) m * n * k;
        return c[0];
    }
}
