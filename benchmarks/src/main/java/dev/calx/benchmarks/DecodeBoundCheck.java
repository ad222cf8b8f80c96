package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.Backends;
import dev.calx.tensor.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decode speed against the memory bound, measured in pairs. This machine's matrix-vector
 * bandwidth (numpy's 8192x8192 sgemv, the bound's denominator) changes from one minute to the
 * next (51-53 or 74-79 GB/s in sessions 3-5), so a decode number and a numpy number taken
 * minutes apart do not make a ratio. Here a numpy process ({@code decode_numpy_gemv.py
 * --serve}) and Calx's decode take turns in slices of a few seconds: numpy, decode, numpy,
 * decode, ... so every decode slice has a numpy reading right before and right after it. A
 * slice's ratio is its achieved bandwidth (tokens/s times {@link DecodeShapes#bytesPerToken})
 * over the faster of its two neighbours; a slice whose neighbours differ by more than 10% is
 * reported but left out of the summary (the phase changed during it). Not a JMH benchmark:
 * JMH forks cannot take turns with another process. Usage:
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g -Dcalx.threads=2 \
 *     -cp benchmarks/target/benchmarks.jar dev.calx.benchmarks.DecodeBoundCheck \
 *     [--shape stories110M] [--dtypes F32,BF16,Q8_0] [--rounds 8] [--seconds 3] [--context 64] [--python python3]
 * </pre>
 * {@code --context N}: the cached tokens each decode step attends to (default 64). The bound's
 * bytes include the fp32 KV cache up to N: at 1000 that is 74 MB, 63% of the 116 MB of a Q8_0
 * stories110M step's weights.
 * Each model is warmed up (JIT) for 10 s first. The numpy process runs alone while Calx waits
 * (Calx's workers park after 200 µs).
 */
public final class DecodeBoundCheck {
    private DecodeBoundCheck() {}

    public static void main(String[] args) throws Exception {
        String shape = "stories110M", python = "python3";
        List<String> dtypes = List.of("F32", "BF16", "Q8_0");
        int rounds = 8, context = 64;
        double seconds = 3;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--shape" -> shape = CheckOptions.need("DecodeBoundCheck", args[i], v);
                case "--dtypes" -> dtypes = Arrays.asList(CheckOptions.need("DecodeBoundCheck", args[i], v).split(","));
                case "--rounds" -> rounds = CheckOptions.intOption("DecodeBoundCheck", args[i], v);
                case "--seconds" -> seconds = CheckOptions.secondsOption("DecodeBoundCheck", args[i], v);
                case "--python" -> python = CheckOptions.need("DecodeBoundCheck", args[i], v);
                case "--context" -> context = CheckOptions.intOption("DecodeBoundCheck", args[i], v);
                default -> throw new IllegalArgumentException("DecodeBoundCheck: unknown option " + args[i]
                        + " (--shape, --dtypes, --rounds, --seconds, --context, --python)");
            }
            i++;
        }
        if (context < 1) throw new IllegalArgumentException("DecodeBoundCheck: --context " + context + " must be at least 1");
        if (rounds < 1) throw new IllegalArgumentException("DecodeBoundCheck: --rounds " + rounds + " must be at least 1");
        NumpyServe.requireScript("DecodeBoundCheck");
        LlamaConfig c = DecodeShapes.of(shape);
        List<InferenceSession> sessions = new ArrayList<>();
        for (String dt : dtypes) {
            LlamaWeights w = DecodeShapes.weights(shape, dt);
            InferenceSession s = DecodeShapes.primed(w, context);
            DecodeShapes.decodeFor(s, context, 10);
            sessions.add(s);
        }
        System.out.printf(Locale.ROOT, "%s, context %d, backend %s, %d rounds of %.1f s slices%n", shape, context,
                Backends.get().describe(), rounds, seconds);
        try (NumpyServe numpy = NumpyServe.start(python, seconds)) {
            double[][] ratios = new double[dtypes.size()][rounds];
            boolean[][] stable = new boolean[dtypes.size()][rounds];
            double before = numpy.read();
            System.out.println("dtype  tok/s   GB/s  numpy before/after  % of bound");
            for (int r = 0; r < rounds; r++) {
                for (int d = 0; d < dtypes.size(); d++) {
                    double tps = DecodeShapes.decodeFor(sessions.get(d), context, seconds);
                    double after = numpy.read();
                    double gbs = tps * DecodeShapes.bytesPerToken(c, DType.valueOf(dtypes.get(d)), context) / 1e9;
                    double bound = Math.max(before, after);
                    ratios[d][r] = gbs / bound;
                    stable[d][r] = NumpyServe.steady(before, after);
                    System.out.printf(Locale.ROOT, "%-5s %7.1f %6.1f  %6.1f / %6.1f  %5.1f%%%s%n", dtypes.get(d), tps, gbs, before,
                            after, 100 * ratios[d][r], stable[d][r] ? "" : "  (neighbours differ by >10%, not counted)");
                    before = after;
                }
            }
            System.out.println("summary (slices with steady neighbours): median, min-max % of bound");
            for (int d = 0; d < dtypes.size(); d++) {
                double[] kept = new double[rounds];
                int k = 0;
                for (int r = 0; r < rounds; r++) if (stable[d][r]) kept[k++] = ratios[d][r];
                kept = Arrays.copyOf(kept, k);
                Arrays.sort(kept);
                if (k == 0) System.out.printf("%-5s no steady slice%n", dtypes.get(d));
                else System.out.printf(Locale.ROOT, "%-5s %5.1f%%  %5.1f-%5.1f%%  (%d of %d slices)%n", dtypes.get(d),
                        100 * NumpyServe.median(kept), 100 * kept[0], 100 * kept[k - 1], k, rounds);
            }
        } finally {
            for (InferenceSession s : sessions) s.close();
        }
    }
}
