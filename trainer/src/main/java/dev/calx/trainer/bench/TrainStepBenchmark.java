package dev.calx.trainer.bench;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.TrainableLlama;
import dev.calx.tensor.DType;
import dev.calx.trainer.LlamaTrainable;
import dev.calx.trainer.Trainer;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.optim.AdamW;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Training throughput of a full step (forward, backward, clipping, AdamW) on a random Llama of
 * the given shape: tokens/s over timed steps after warm-up, and peak heap per parameter.
 * Usage: TrainStepBenchmark [dim hidden layers heads vocab batch seq warmup steps]; defaults
 * are the config (288 768 6 6 32000, batch 8 x 256). Compare with tools/trainer_bench.py.
 */
public final class TrainStepBenchmark {
    private TrainStepBenchmark() {}

    /**
     * Runs the benchmark and prints its two result lines to stdout.
     *
     * @param a up to nine integers: dim, hidden, layers, heads, vocab, batch, seq, warm-up steps,
     *          timed steps (missing ones take the defaults)
     */
    public static void main(String[] a) {
        int dim = arg(a, 0, 288), hidden = arg(a, 1, 768), layers = arg(a, 2, 6), heads = arg(a, 3, 6), vocab = arg(a, 4, 32000);
        int batch = arg(a, 5, 8), seq = arg(a, 6, 256), warm = arg(a, 7, 2), steps = arg(a, 8, 5);
        LlamaConfig c = new LlamaConfig(dim, hidden, layers, heads, heads, vocab, 1e-5f, 10000f, seq, false, 1, 2);
        LlamaTrainable m = new LlamaTrainable(TrainableLlama.of(LlamaWeights.random(c, DType.F32, 1)), null);
        Random r = new Random(1);
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
        boolean[] tr = new boolean[ids.length];
        Arrays.fill(tr, true);
        int[] lens = new int[batch];
        Arrays.fill(lens, seq);
        Batch b = new Batch(batch, seq, ids, tr, lens);
        AdamW opt = new AdamW(AdamW.Config.of(0.0));
        long params = c.parameterCount();
        for (int i = 0; i < warm; i++) Trainer.optimizerStep(m, List.of(b), opt, 1e-4, 1.0, i + 1, null);
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
        long t0 = System.nanoTime();
        double loss = 0;
        for (int i = 0; i < steps; i++) loss = Trainer.optimizerStep(m, List.of(b), opt, 1e-4, 1.0, warm + i + 1, null).loss();
        double secs = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        }
        System.out.printf("calx train step: dim %d hidden %d layers %d heads %d vocab %d, batch %d x %d, %d params, threads %d%n",
                dim, hidden, layers, heads, vocab, batch, seq, params, Runtime.getRuntime().availableProcessors());
        System.out.printf("%.1f tokens/s (%.3f s/step over %d steps, last loss %.4f); peak heap %.1f MiB = %.1f bytes/param%n",
                (double) batch * seq * steps / secs, secs / steps, steps, loss, peak / 1048576.0, (double) peak / params);
    }

    static int arg(String[] a, int i, int def) {
        return a.length > i ? Integer.parseInt(a[i]) : def;
    }
}
