package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaBatch;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.Backends;
import org.openjdk.jmh.annotations.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Batched decode throughput (issue 7: "tokens/s at batch 8 at least 4x batch 1 on the 15M
 * shape"). {@code batch} sequences, each with its own session at a context of {@code context}
 * cached tokens (rolled back every op), advance by one token per op. {@code batch = 1} is the
 * ordinary single-sequence decode ({@code session.append(token)}, a GEMV per projection), the
 * baseline; {@code batch > 1} is one {@link LlamaBatch#step} (a GEMM per projection). Score:
 * ops/s; the {@code tokens} row is tokens/s (= batch x ops/s). {@code storage=mapped} reads the
 * weights from a memory-mapped llama2.c file, as a loaded checkpoint does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcalx.threads=2", "-Xmx4g"})
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 3, time = 5)
public class BatchedDecodeBenchmark {
    @Param({"stories15M"})
    public String shape;

    @Param({"F32"})
    public String dtype;

    @Param({"1", "4", "8"})
    public int batch;

    @Param({"64"})
    public int context;

    /** heap: random weights in memory; mapped: the same written as a llama2.c v1 file and memory-mapped (as checkpoints load). */
    @Param({"heap"})
    public String storage;

    List<InferenceSession> sessions;
    LlamaBatch step;
    int[] tokens;

    /** Tokens generated, reported by JMH as a rate next to the ops per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;
    }

    @Setup(Level.Trial)
    public void setup() {
        LlamaWeights w = DecodeShapes.weights(shape, dtype);
        LlamaConfig c = w.config();
        LlamaModel model;
        if (storage.equals("mapped")) {
            try {
                java.nio.file.Path f = java.nio.file.Files.createTempFile("calx-batched-decode", ".bin");
                f.toFile().deleteOnExit();
                dev.calx.llama.format.Llama2c.write(w, f, 1);
                model = LlamaModel.load(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            model = LlamaModel.of(w);
        }
        sessions = new ArrayList<>();
        tokens = new int[batch];
        for (int b = 0; b < batch; b++) {
            InferenceSession s = model.newSession(context + 1);
            int[] prompt = new int[context];
            for (int i = 0; i < context; i++) prompt[i] = (i * 7919 + 1 + b * 31) % c.vocabSize();
            s.append(prompt);
            sessions.add(s);
            tokens[b] = 100 + b;
        }
        step = new LlamaBatch(model, batch);
        System.out.printf("%n%s %s batch %d (row width %d), backend %s%n", shape, dtype, batch, step.width(),
                Backends.get().describe());
    }

    @Benchmark
    public float decodeStep(Tokens counter) {
        for (InferenceSession s : sessions) s.rollback(context);
        counter.tokens += batch;
        if (batch == 1) return sessions.getFirst().append(tokens[0])[0];
        return step.step(sessions, tokens)[0][0];
    }

    /** The batched step for one sequence (the padded GEMM path), to compare with append. */
    @Benchmark
    public float batchedStepOfFirstOnly(Tokens counter) {
        InferenceSession s = sessions.getFirst();
        s.rollback(context);
        counter.tokens += 1;
        return step.step(List.of(s), new int[]{tokens[0]})[0][0];
    }

    @TearDown(Level.Trial)
    public void close() {
        for (InferenceSession s : sessions) s.close();
    }
}
