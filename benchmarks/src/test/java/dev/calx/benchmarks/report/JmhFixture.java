package dev.calx.benchmarks.report;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Runs {@link FixtureGemmBenchmark} in-process once per test JVM (no fork, 1 x 50 ms warm-up and
 * 2 x 100 ms measurement per shape) and keeps JMH's JSON, its text output and its in-memory results.
 */
final class JmhFixture {
    private static Path json;
    private static Collection<RunResult> results;

    private JmhFixture() {}

    static synchronized Path json() throws IOException, RunnerException {
        if (json == null) {
            Path dir = Files.createTempDirectory("calx-jmh-fixture");
            Path f = dir.resolve("FixtureGemmBenchmark.json");
            // deleted in the reverse order of registration: the files, then the directory
            // (registered last, it was deleted first, while it still held them, and stayed)
            dir.toFile().deleteOnExit();
            f.toFile().deleteOnExit();
            dir.resolve("FixtureGemmBenchmark.log").toFile().deleteOnExit();
            Options o = new OptionsBuilder()
                    .include(FixtureGemmBenchmark.class.getName() + ".gemm")
                    .forks(0)
                    .warmupIterations(1).warmupTime(TimeValue.milliseconds(50))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(100))
                    .resultFormat(ResultFormatType.JSON).result(f.toString())
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.NORMAL)
                    .output(dir.resolve("FixtureGemmBenchmark.log").toString())
                    .build();
            results = new Runner(o).run();
            json = f;
        }
        return json;
    }

    /** JMH's human-readable output of the same run. */
    static synchronized Path log() throws IOException, RunnerException {
        return json().resolveSibling("FixtureGemmBenchmark.log");
    }

    static synchronized Collection<RunResult> results() throws IOException, RunnerException {
        json();
        return results;
    }
}
