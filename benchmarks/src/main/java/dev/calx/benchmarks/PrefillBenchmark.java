package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Prefill tokens/s: one {@code append} of a 512-token prompt into an empty session (batched
 * GEMMs for every projection, attention as GEMMs over the cache). Score = tokens/s
 * (operations per invocation = prompt length).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PrefillBenchmark.PROMPT)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcalx.threads=2", "-Xmx8g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class PrefillBenchmark {
    static final int PROMPT = 512;

    @Param({"stories15M", "stories110M"})
    public String shape;

    @Param({"F32", "BF16", "Q8_0"})
    public String dtype;

    InferenceSession session;
    int[] prompt;

    @Setup(Level.Trial)
    public void setup() {
        LlamaWeights w = DecodeShapes.weights(shape, dtype);
        LlamaConfig c = w.config();
        session = LlamaModel.session(w, PROMPT);
        prompt = new int[PROMPT];
        for (int i = 0; i < PROMPT; i++) prompt[i] = (i * 7919 + 1) % c.vocabSize();
    }

    @Benchmark
    public float prefill512() {
        session.rollback(0);
        return session.append(prompt)[0];
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
    }
}
