package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.Backends;
import dev.calx.tensor.DType;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Decode tokens/s: one {@code append} of a single token (GEMV through every layer and the head)
 * at a fixed context of {@code context} cached tokens (the session is rolled back each time),
 * for random-weight models of stories15M / stories110M shape in fp32, bf16 and Q8_0 storage.
 * Score = tokens/s. Achieved bandwidth = {@link DecodeShapes#bytesPerToken} x score (the setup
 * prints bytes/token).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcalx.threads=2", "-Xmx8g"})
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 3, time = 5)
public class DecodeBenchmark {
    @Param({"stories15M", "stories110M"})
    public String shape;

    @Param({"F32", "BF16", "Q8_0"})
    public String dtype;

    @Param({"64"})
    public int context;

    InferenceSession session;

    @Setup(Level.Trial)
    public void setup() {
        LlamaWeights w = DecodeShapes.weights(shape, dtype);
        LlamaConfig c = w.config();
        session = LlamaModel.session(w, context + 1);
        int[] prompt = new int[context];
        for (int i = 0; i < context; i++) prompt[i] = (i * 7919 + 1) % c.vocabSize();
        session.append(prompt);
        System.out.printf("%n%s %s: %.1f MB read per token; backend %s%n", shape, dtype,
                DecodeShapes.bytesPerToken(c, DType.valueOf(dtype), context) / 1e6, Backends.get().describe());
    }

    @Benchmark
    public float decodeToken() {
        session.rollback(context);
        return session.append(123)[0];
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
    }
}
