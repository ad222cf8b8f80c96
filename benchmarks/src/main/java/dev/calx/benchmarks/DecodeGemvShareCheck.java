package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How much of a decode step is its matrix-vector products: in one JVM, slices of decode
 * ({@code rollback(context); append(token)}, as {@link DecodeBenchmark}) take turns with slices
 * of the same step's products alone (every layer's q/k/v, o, gate/up and down and the head,
 * through {@code Backend.matmul} on the same weights, with the same grouping as the forward).
 * Each round's ratio is decode steps/s over product sets/s; 1 minus the median is the share of
 * a step spent outside the products (attention, norms, RoPE, SwiGLU, hand-offs). Usage:
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g -Dcalx.threads=2 \
 *     -cp benchmarks/target/benchmarks.jar dev.calx.benchmarks.DecodeGemvShareCheck \
 *     [--shape stories110M] [--dtype Q8_0] [--context 64] [--rounds 50] [--seconds 0.5] [--warmup 10]
 * </pre>
 */
public final class DecodeGemvShareCheck {
    private static final String WHO = "DecodeGemvShareCheck";

    private DecodeGemvShareCheck() {}

    public static void main(String[] args) {
        String shape = "stories110M", dtype = "Q8_0";
        int rounds = 50, context = 64;
        double seconds = 0.5, warmup = 10;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--shape" -> shape = CheckOptions.need(WHO, args[i], v);
                case "--dtype" -> dtype = CheckOptions.need(WHO, args[i], v);
                case "--rounds" -> rounds = CheckOptions.intOption(WHO, args[i], v);
                case "--context" -> context = CheckOptions.intOption(WHO, args[i], v);
                case "--seconds" -> seconds = CheckOptions.secondsOption(WHO, args[i], v);
                case "--warmup" -> warmup = CheckOptions.secondsOption(WHO, args[i], v);
                default -> throw new IllegalArgumentException(WHO + ": unknown option " + args[i]
                        + " (--shape, --dtype, --context, --rounds, --seconds, --warmup)");
            }
            i++;
        }
        if (rounds < 1) throw new IllegalArgumentException(WHO + ": --rounds " + rounds + " must be at least 1");
        if (context < 1) throw new IllegalArgumentException(WHO + ": --context " + context + " must be at least 1");
        LlamaWeights w = DecodeShapes.weights(shape, dtype);
        Products p = new Products(w);
        try (InferenceSession s = DecodeShapes.primed(w, context)) {
            DecodeShapes.decodeFor(s, context, warmup);
            p.runFor(warmup);
            System.out.printf(Locale.ROOT, "%s %s, context %d, backend %s, %d rounds of %.1f s slices%n", shape, dtype, context,
                    Backends.get().describe(), rounds, seconds);
            System.out.println("round  decode/s  products/s  ratio");
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double dec = DecodeShapes.decodeFor(s, context, seconds), gemv = p.runFor(seconds);
                ratio[r] = dec / gemv;
                System.out.printf(Locale.ROOT, "%5d  %8.1f  %10.1f  %.3f%n", r, dec, gemv, ratio[r]);
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "decode/products: median %.3f, quartiles %.3f-%.3f, over %d rounds%n",
                    NumpyServe.median(ratio), DecodeABCheck.quantile(ratio, 0.25), DecodeABCheck.quantile(ratio, 0.75), rounds);
        }
    }

    /** One decode step's products, alone: random inputs, the step's output shapes. */
    private static final class Products {
        final LlamaWeights w;
        final Backend be = Backends.get();
        final Tensor x, q, o, kn, vn, gate, up, logits;

        Products(LlamaWeights w) {
            this.w = w;
            LlamaConfig c = w.config();
            int d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize();
            x = Tensor.zeros(1, d);
            q = Tensor.zeros(1, d);
            o = Tensor.zeros(1, d);
            kn = Tensor.zeros(1, kv);
            vn = Tensor.zeros(1, kv);
            gate = Tensor.zeros(1, h);
            up = Tensor.zeros(1, h);
            logits = Tensor.zeros(1, c.vocabSize());
            Random r = new Random(1);
            for (float[] f : new float[][]{x.data(), gate.data()}) for (int i = 0; i < f.length; i++) f[i] = r.nextFloat() - 0.5f;
        }

        /** All products of one step, as many times as fit in about {@code seconds}; sets/s. */
        double runFor(double seconds) {
            long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9);
            int n = 0;
            long t;
            do {
                for (int l = 0; l < w.config().numHiddenLayers(); l++) {
                    LlamaWeights.Layer lw = w.layer(l);
                    be.matmul(x, new WeightMatrix[]{lw.qProj(), lw.kProj(), lw.vProj()}, new Tensor[]{q, kn, vn});
                    be.matmul(x, lw.oProj(), o);
                    be.matmul(x, new WeightMatrix[]{lw.gateProj(), lw.upProj()}, new Tensor[]{gate, up});
                    be.matmul(gate, lw.downProj(), o);
                }
                be.matmul(x, w.lmHead(), logits);
                n++;
            } while ((t = System.nanoTime()) < end);
            return n / ((t - t0) / 1e9);
        }
    }
}
