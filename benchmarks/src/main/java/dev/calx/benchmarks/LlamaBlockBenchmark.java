package dev.calx.benchmarks;

import dev.calx.autograd.MemoryMeter;
import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Training throughput of one Llama block through Calx's autograd: forward + backward (into the
 * input and all nine parameters) of RMSNorm -> q/k/v -> RoPE -> causal attention -> o_proj ->
 * residual -> RMSNorm -> SwiGLU -> residual, fp32, dim 288, 6 heads, hidden 768 (stories15M's
 * block), batch x seq tokens per step. Reported as tokens/s (the {@code tokens} counter).
 * The PyTorch peer is benchmarks/block_torch.py (same block, same seeds-free shapes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
public class LlamaBlockBenchmark {
    static final int DIM = 288, HEADS = 6, HIDDEN = 768;
    static final float EPS = 1e-5f, THETA = 10000f;

    @Param({"8"})
    public int batch;
    @Param({"256"})
    public int seq;

    Variable x, attnNorm, wq, wk, wv, wo, ffnNorm, wGate, wUp, wDown;
    Tensor dy;
    List<Variable> params;

    /** Tokens processed (forward + backward), reported by JMH as tokens/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;
    }

    static Tensor randn(Random r, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * scale);
        return t;
    }

    @Setup
    public void setup() {
        Random r = new Random(0);
        int n = batch * seq;
        float s = (float) Math.pow(DIM, -0.5);
        x = Variable.parameter("x", randn(r, 1, n, DIM));
        attnNorm = Variable.parameter("attn_norm", randn(r, 1, DIM));
        wq = Variable.parameter("wq", randn(r, s, DIM, DIM));
        wk = Variable.parameter("wk", randn(r, s, DIM, DIM));
        wv = Variable.parameter("wv", randn(r, s, DIM, DIM));
        wo = Variable.parameter("wo", randn(r, s, DIM, DIM));
        ffnNorm = Variable.parameter("ffn_norm", randn(r, 1, DIM));
        wGate = Variable.parameter("w_gate", randn(r, s, HIDDEN, DIM));
        wUp = Variable.parameter("w_up", randn(r, s, HIDDEN, DIM));
        wDown = Variable.parameter("w_down", randn(r, (float) Math.pow(HIDDEN, -0.5), DIM, HIDDEN));
        dy = randn(r, 1, n, DIM);
        params = List.of(x, attnNorm, wq, wk, wv, wo, ffnNorm, wGate, wUp, wDown);
        System.out.println("# backend: " + Backends.get().describe());
    }

    Variable block(Variable in) {
        int hd = DIM / HEADS;
        Variable h = Ops.rmsNorm(in, attnNorm, EPS);
        Variable q = Ops.rope(Ops.linear(h, wq), hd, THETA, batch);
        Variable k = Ops.rope(Ops.linear(h, wk), hd, THETA, batch);
        Variable v = Ops.linear(h, wv);
        Variable y = Ops.add(in, Ops.linear(Ops.attention(q, k, v, batch, HEADS, HEADS), wo));
        Variable m = Ops.rmsNorm(y, ffnNorm, EPS);
        return Ops.add(y, Ops.linear(Ops.swiglu(Ops.linear(m, wGate), Ops.linear(m, wUp)), wDown));
    }

    /** Prints the graph's peak memory for one step (activations + intermediate gradients). */
    @TearDown
    public void reportMemory() {
        long before = MemoryMeter.liveBytes();
        MemoryMeter.resetPeak();
        Variable.zeroGrad(params);
        block(x).backward(dy);
        System.out.printf("# graph peak for one forward+backward: %.1f MiB (parameter gradients %.1f MiB)%n",
                (MemoryMeter.peakBytes() - before) / 1048576.0, MemoryMeter.parameterGradientBytes() / 1048576.0);
    }

    @Benchmark
    public float forwardBackward(Tokens tokens) {
        Variable.zeroGrad(params);
        block(x).backward(dy);
        tokens.tokens += (long) batch * seq;
        return wq.grad().data()[0];
    }
}
