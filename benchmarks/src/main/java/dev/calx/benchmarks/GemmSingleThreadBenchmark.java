package dev.calx.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/** {@link GemmBenchmark} with the CPU pool at one thread (-Dcalx.threads=1); same shapes and units. */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx4g", "-Dcalx.threads=1"})
public class GemmSingleThreadBenchmark extends GemmBenchmark {
}
