package dev.calx.benchmarks;

import dev.calx.llama.InferenceSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decode speed of two JVM configurations, A and B, compared in pairs of short slices. On this
 * VM the speed of one configuration moves by 20-30% from one second to the next (the two
 * vCPUs' speeds, the memory's phase), so two runs minutes apart, or two JMH forks, cannot show
 * a change of a few percent. Here two child JVMs, one started with A's flags and one with B's,
 * build the same random-weight model (the same seed) and warm up; then they take turns, one
 * slice each, in the order A B, B A, A B, ... while the other waits on its stdin (its workers
 * park after 200 µs). Each round gives the ratio B/A of its two slices; the summary is the
 * median ratio and its quartiles over the rounds, and each side's mean tokens/s. Usage:
 * <pre>
 *   java -Dcalx.threads=2 -cp benchmarks/target/benchmarks.jar dev.calx.benchmarks.DecodeABCheck \
 *     --a "-Dcalx.gemv.steal=false" --b "" [--shape stories110M] [--dtype Q8_0] [--context 64] \
 *     [--rounds 30] [--seconds 1] [--warmup 10] [--heap 4g]
 * </pre>
 * {@code --a} and {@code --b} are JVM options separated by spaces (empty for none); both
 * children also get {@code --add-modules jdk.incubator.vector}, native access, {@code -Xmx}
 * from {@code --heap}, and this JVM's {@code -Dcalx.threads} when it has one. Not a JMH
 * benchmark: JMH forks cannot take turns. {@code --warmup S}: each child decodes for S seconds
 * (JIT) before the first turn (default 10).
 */
public final class DecodeABCheck {
    private static final String WHO = "DecodeABCheck";

    private DecodeABCheck() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve(args);
            return;
        }
        String shape = "stories110M", dtype = "Q8_0", a = null, b = null, heap = "4g";
        int rounds = 30, context = 64;
        double seconds = 1, warmup = 10;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--a" -> a = CheckOptions.need(WHO, args[i], v);
                case "--b" -> b = CheckOptions.need(WHO, args[i], v);
                case "--shape" -> shape = CheckOptions.need(WHO, args[i], v);
                case "--dtype" -> dtype = CheckOptions.need(WHO, args[i], v);
                case "--heap" -> heap = CheckOptions.need(WHO, args[i], v);
                case "--rounds" -> rounds = CheckOptions.intOption(WHO, args[i], v);
                case "--context" -> context = CheckOptions.intOption(WHO, args[i], v);
                case "--seconds" -> seconds = CheckOptions.secondsOption(WHO, args[i], v);
                case "--warmup" -> warmup = CheckOptions.secondsOption(WHO, args[i], v);
                default -> throw new IllegalArgumentException(WHO + ": unknown option " + args[i]
                        + " (--a, --b, --shape, --dtype, --context, --rounds, --seconds, --warmup, --heap)");
            }
            i++;
        }
        if (a == null || b == null) throw new IllegalArgumentException(WHO + ": give both --a and --b (JVM options; \"\" for none)");
        if (rounds < 1) throw new IllegalArgumentException(WHO + ": --rounds " + rounds + " must be at least 1");
        if (context < 1) throw new IllegalArgumentException(WHO + ": --context " + context + " must be at least 1");
        DecodeShapes.of(shape); // an unknown shape fails here, before any child starts
        dev.calx.tensor.DType.valueOf(dtype);
        try (Child ca = Child.start("A", a, heap, shape, dtype, context, warmup);
             Child cb = Child.start("B", b, heap, shape, dtype, context, warmup)) {
            ca.awaitReady();
            cb.awaitReady();
            System.out.printf(Locale.ROOT, "%s %s, context %d, %d rounds of %.1f s slices%n  A: %s%n  B: %s%n",
                    shape, dtype, context, rounds, seconds, a.isBlank() ? "(no options)" : a, b.isBlank() ? "(no options)" : b);
            for (int w = 0; w < 2; w++) { // after each child's own warm-up, one more turn each
                ca.slice(seconds);
                cb.slice(seconds);
            }
            double[] ratio = new double[rounds];
            double sumA = 0, sumB = 0;
            System.out.println("round  A tok/s  B tok/s  B/A");
            for (int r = 0; r < rounds; r++) {
                double ta, tb;
                if (r % 2 == 0) {
                    ta = ca.slice(seconds);
                    tb = cb.slice(seconds);
                } else {
                    tb = cb.slice(seconds);
                    ta = ca.slice(seconds);
                }
                ratio[r] = tb / ta;
                sumA += ta;
                sumB += tb;
                System.out.printf(Locale.ROOT, "%5d  %7.1f  %7.1f  %.3f%n", r, ta, tb, ratio[r]);
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "B/A: median %.3f, quartiles %.3f-%.3f, over %d rounds; mean tok/s A %.1f, B %.1f%n",
                    NumpyServe.median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), rounds, sumA / rounds, sumB / rounds);
        }
    }

    /** The q-quantile of a sorted, non-empty array (linear between neighbours). */
    static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at), hi = (int) Math.ceil(at);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The child's side: build the model, warm up, then one decode slice per "go S" line on stdin. */
    private static void serve(String[] args) throws IOException {
        String shape = args[1], dtype = args[2];
        int context = Integer.parseInt(args[3]);
        double warmup = Double.parseDouble(args[4]);
        try (InferenceSession s = DecodeShapes.primed(DecodeShapes.weights(shape, dtype), context)) {
            DecodeShapes.decodeFor(s, context, warmup);
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && line.startsWith("go "); ) {
                System.out.printf(Locale.ROOT, "%.3f%n", DecodeShapes.decodeFor(s, context, Double.parseDouble(line.substring(3))));
                System.out.flush();
            }
        }
    }

    /** One child JVM in serve mode. */
    private static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final PrintWriter to;
        final BufferedReader from;

        private Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Child start(String name, String options, String heap, String shape, String dtype, int context, double warmup)
                throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap));
            String threads = System.getProperty("calx.threads");
            if (threads != null) cmd.add("-Dcalx.threads=" + threads);
            for (String o : options.strip().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DecodeABCheck.class.getName(),
                    "--serve", shape, dtype, Integer.toString(context), Double.toString(warmup)));
            // stderr (the JVM's warnings, the backend line) goes where this JVM's goes
            return new Child(name, new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        void awaitReady() throws IOException {
            String line = from.readLine();
            if (!"ready".equals(line)) {
                throw new IOException(WHO + ": child " + name + " " + (line == null ? "ended before it was ready (its error is above)" : "said '" + line + "', not ready"));
            }
        }

        double slice(double seconds) throws IOException {
            to.println("go " + seconds);
            String line = from.readLine();
            if (line == null) throw new IOException(WHO + ": child " + name + " ended (its error is above)");
            try {
                return Double.parseDouble(line);
            } catch (NumberFormatException e) {
                throw new IOException(WHO + ": child " + name + " answered '" + line + "', not tokens/s");
            }
        }

        @Override
        public void close() {
            to.close();
            process.destroy();
        }
    }
}
