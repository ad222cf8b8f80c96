package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the suite measures: the topics in report order (each with the JMH classes and peer scripts
 * that belong to it), how JMH records map to bench keys, how each known peer script is run, and
 * the time each profile allows. Adding a benchmark: give it a {@link Mapping} here when its raw
 * score is not already in the report's unit; adding a peer: print the JSON-line contract
 * (docs/benchmarks.md) and, if it needs arguments, add a {@link PeerScript}.
 */
public final class Suite {
    private Suite() {}

    public enum Profile {
        QUICK(570, 150), FULL(3 * 3600, 1800);

        /** Measured seconds (lock waits excluded) the whole run may take, and the cap for one step. */
        public final int budgetSeconds, stepSeconds;

        Profile(int budgetSeconds, int stepSeconds) {
            this.budgetSeconds = budgetSeconds;
            this.stepSeconds = stepSeconds;
        }
    }

    /**
     * A report section: its bench keys, what is expected to answer it (JMH classes matching
     * jmhClasses, peer scripts matching peerScripts), and the peer's name for the missing-rows list.
     */
    public record Topic(String id, String title, Pattern jmhClasses, Pattern peerScripts, String expectedJmh, String expectedPeer) {
        boolean ownsClass(String simpleClass) {
            return jmhClasses.matcher(simpleClass).find();
        }

        boolean ownsScript(String fileName) {
            return peerScripts.matcher(fileName).find();
        }
    }

    public static final List<Topic> TOPICS = List.of(
            new Topic("gemm", "GEMM (GFLOP/s)", Pattern.compile("^Gemm"), Pattern.compile("(?i)gemm|matmul"),
                    "GemmBenchmark", "numpy (OpenBLAS)"),
            new Topic("gemv", "Matrix-vector (GB/s)", Pattern.compile("^Gemv"), Pattern.compile("(?i)gemv|matvec"),
                    "GemvBenchmark", "numpy (OpenBLAS)"),
            new Topic("decode", "Decode (tokens/s)", Pattern.compile("^Decode.*Benchmark"), Pattern.compile("(?i)decode"),
                    "DecodeBenchmark", "memory bound (numpy GEMV bandwidth)"),
            new Topic("prefill", "Prefill (tokens/s)", Pattern.compile("^Prefill"), Pattern.compile("(?i)prefill"),
                    "PrefillBenchmark", "PyTorch"),
            new Topic("llama_block", "One Llama block, forward + backward (tokens/s)", Pattern.compile("^LlamaBlock"),
                    Pattern.compile("(?i)block"), "LlamaBlockBenchmark", "PyTorch"),
            new Topic("training_step", "Full training step (tokens/s)", Pattern.compile("^(Train|Training)"),
                    Pattern.compile("(?i)train"), "TrainingStepBenchmark", "PyTorch"),
            new Topic("tokenizer_encode", "Tokenizer encode (MB/s)", Pattern.compile("^Tokeniz"),
                    Pattern.compile("(?i)tokeni[sz]er|sentencepiece"), "TokenizerBenchmark", "sentencepiece"),
            new Topic("interpreter", "Interpreter (cell latency)", Pattern.compile("^Interpreter"),
                    Pattern.compile("(?i)interp|cpython|python_peer|cells"), "Interpreter*Benchmark", "CPython 3"),
            new Topic("eval", "calx eval (problems/min)", Pattern.compile("^Eval"), Pattern.compile("(?i)eval"),
                    "EvalBenchmark", "(none)"),
            new Topic("cuda", "CUDA", Pattern.compile("^Cuda"), Pattern.compile("(?i)cuda"), null, null),
            new Topic("other", "Other benchmarks", Pattern.compile("."), Pattern.compile("."), null, null));

    public static Topic topicOfClass(String simpleClass) {
        return TOPICS.stream().filter(t -> t.ownsClass(simpleClass)).findFirst().orElseThrow();
    }

    public static Topic topicOfScript(String fileName) {
        return TOPICS.stream().filter(t -> t.ownsScript(fileName)).findFirst().orElseThrow();
    }

    public static Topic topicOfBench(String bench) {
        return TOPICS.stream().filter(t -> bench.equals(t.id) || bench.startsWith(t.id + "_")).findFirst()
                .orElse(TOPICS.getLast());
    }

    // ------------------------------------------------------------------ JMH

    /** Score conversions for benchmarks whose raw score is not in the report's unit, by "Class.method". */
    public static final Map<String, Mapping> MAPPINGS = mappings(
            new Mapping("GemmBenchmark.gemm", "gemm", "GFLOP/s", Mapping.gemmGflops()),
            new Mapping("GemmSingleThreadBenchmark.gemm", "gemm_1thread", "GFLOP/s", Mapping.gemmGflops()),
            new Mapping("GemvBenchmark.gemv", "gemv", "GB/s", Mapping.gemvGBps(r -> DecodeBound.bytesPerWeight(r.params().get("dtype")))),
            new Mapping("LlamaBlockBenchmark.forwardBackward", "llama_block", "tokens/s", Mapping.counter("tokens", 1)),
            new Mapping("DecodeBenchmark.decodeToken", "decode", "tokens/s", Mapping.score()),
            new Mapping("PrefillBenchmark.prefill512", "prefill", "tokens/s", Mapping.score()),
            new Mapping("TokenizerBenchmark.encode", "tokenizer_encode", "MB/s", Mapping.counter("bytes", 1e-6)),
            new Mapping("TokenizerBenchmark.encodeWithoutWordCache", "tokenizer_encode_no_word_cache", "MB/s",
                    Mapping.counter("bytes", 1e-6)),
            new Mapping("InterpreterCellBenchmark.printOnePlusOne", "interpreter_print_warm", "ms", Mapping.median()),
            new Mapping("InterpreterSessionBenchmark.freshSessionFirstCell", "interpreter_fresh_session", "ms", Mapping.median()));

    private static Map<String, Mapping> mappings(Mapping... ms) {
        Map<String, Mapping> m = new LinkedHashMap<>();
        for (Mapping x : ms) m.put(x.benchmark(), x);
        return m;
    }

    public static Result toResult(JmhRecord r) {
        Mapping m = MAPPINGS.get(r.simpleName());
        return m == null ? Mapping.fallback(r) : m.apply(r);
    }

    /** JMH options for a class: quick runs one short fork; full keeps the class's own annotations. */
    public static List<String> jmhOptions(String simpleClass, Profile p) {
        List<String> o = new ArrayList<>(List.of("-f", "1"));
        if (p == Profile.QUICK) o.addAll(List.of("-wi", "1", "-w", "1s", "-i", "2", "-r", "1s"));
        o.addAll(QUICK_PARAMS.getOrDefault(simpleClass, Map.of()).getOrDefault(p, List.of()));
        return o;
    }

    /** Per-class parameter restrictions (JMH -p) by profile, to keep --quick under its budget. */
    static final Map<String, Map<Profile, List<String>>> QUICK_PARAMS = Map.of();

    /** Why a class is not run on this machine or in this profile, or empty when it runs. */
    public static Optional<String> skipReason(String simpleClass, Profile p, boolean gpu) {
        if (simpleClass.startsWith("Cuda") && !gpu) return Optional.of("no NVIDIA GPU on this machine (/dev/nvidia0 missing)");
        if (simpleClass.equals("ScalarGemmSanityBenchmark") && p == Profile.QUICK) return Optional.of("sanity check only; run in --full");
        // with it the quick profile needed about 580 s (budget 570 s) on 2026-11-22: 1-thread rows are --full only
        if (simpleClass.equals("GemmSingleThreadBenchmark") && p == Profile.QUICK) {
            return Optional.of("1-thread GEMM rows are in --full (the quick profile's 570 s do not fit them)");
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ peers

    /**
     * One run of a peer script the suite knows: its arguments per profile ({shared} stands for the
     * shared data directory), the Python module its peer needs and how to install it, and an
     * adapter for output that predates the JSON-line contract (null: contract only).
     */
    public record PeerScript(String file, String module, String install, List<String> quickArgs, List<String> fullArgs,
                             Function<String, List<Result>> adapter, Map<String, String> env, boolean inQuick) {
        public PeerScript(String file, String module, String install, List<String> quickArgs, List<String> fullArgs,
                          Function<String, List<Result>> adapter) {
            this(file, module, install, quickArgs, fullArgs, adapter, Map.of(), true);
        }
    }

    public static final List<PeerScript> PEERS = List.of(
            // {tmp}: a file the runner names and appends to the output it hands the adapter
            new PeerScript("compare_gemm_peer.py", "numpy", "apt-get install -y python3-numpy",
                    List.of("measure", "--seconds", "0.5", "--out", "{tmp}"), List.of("measure", "--seconds", "3", "--out", "{tmp}"),
                    Suite::adaptCompareGemm, Map.of("OPENBLAS_NUM_THREADS", "2"), true),
            new PeerScript("compare_gemm_peer.py", "numpy", "apt-get install -y python3-numpy",
                    List.of("measure", "--seconds", "0.5", "--out", "{tmp}"), List.of("measure", "--seconds", "3", "--out", "{tmp}"),
                    Suite::adaptCompareGemm, Map.of("OPENBLAS_NUM_THREADS", "1"), false), // pairs with GemmSingleThreadBenchmark
            new PeerScript("decode_numpy_gemv.py", "numpy", "apt-get install -y python3-numpy", List.of(), List.of(),
                    Suite::adaptDecodeNumpyGemv),
            new PeerScript("block_torch.py", "torch", "apt-get install -y python3-torch",
                    List.of("--runs", "5", "--warmup", "2"), List.of(), Suite::adaptBlockTorch),
            new PeerScript("prefill_torch.py", "torch", "apt-get install -y python3-torch",
                    List.of("--runs", "3", "--warmup", "1"), List.of(), null),
            new PeerScript("tokenizer_peer.py", "sentencepiece", "apt-get install -y python3-sentencepiece",
                    List.of("--repeat", "3"), List.of(), Suite::adaptTokenizerPeer),
            new PeerScript("trainer_bench.py", "torch", "apt-get install -y python3-torch", List.of("2"), List.of("2"),
                    Suite::adaptTrainStep),
            new PeerScript("interpreter_peer.py", null, "apt-get install -y python3 python3-sympy",
                    List.of("--micro"), List.of("--micro"), Suite::adaptInterpreter),
            new PeerScript("interpreter_peer.py", "sympy", "apt-get install -y python3-sympy",
                    List.of("--tora", "{shared}/data/samples/tora_code_nested_examples.jsonl", "1"),
                    List.of("--tora", "{shared}/data/samples/tora_code_nested_examples.jsonl", "3"), Suite::adaptInterpreter));

    /** The runs of a script: its entries in PEERS, or one run with no arguments, contract output only. */
    public static List<PeerScript> peerScripts(String file) {
        List<PeerScript> known = PEERS.stream().filter(p -> p.file.equals(file)).toList();
        return known.isEmpty()
                ? List.of(new PeerScript(file, guessModule(file), installHint(guessModule(file)), List.of(), List.of(), null))
                : known;
    }

    /**
     * Calx measurements that are plain main classes in benchmarks.jar rather than JMH benchmarks
     * (run with the Calx JVM flags; output read by the adapter, results have source "calx").
     */
    public record MainStep(String className, List<String> quickArgs, List<String> fullArgs, Function<String, List<Result>> adapter) {}

    /**
     * Peers too slow for the quick profile's 10 minutes, with the reason; --full runs them, and
     * {@code benchmarks/run --full --add --only NAME} adds them to an existing quick report.
     */
    public static final Map<String, String> QUICK_SKIP = Map.of();

    /** Scripts in benchmarks/ that are not peers, with the reason (wrappers that run JMH and peers themselves). */
    public static final Map<String, String> NOT_PEERS = Map.of("compare-gemm.sh",
            "a wrapper that takes the lock itself and runs GemmBenchmark/GemvBenchmark and compare_gemm_peer.py, which the suite runs directly");

    /**
     * Debian's OpenBLAS directory: put first on LD_LIBRARY_PATH for every peer, because the
     * system libblas.so.3 alternative may be the reference BLAS (it is on these machines), which
     * numpy would otherwise load.
     */
    public static final String OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

    /** Simple name of a main step's class (the part after the last dot). */
    public static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Peer scripts that live outside benchmarks/ (run when present). */
    public static final List<String> EXTRA_PEER_SCRIPTS = List.of("tools/trainer_bench.py");

    public static final List<MainStep> MAINS = List.of(
            new MainStep("dev.calx.trainer.bench.TrainStepBenchmark", List.of("288", "768", "6", "6", "32000", "8", "256", "1", "2"),
                    List.of(), Suite::adaptTrainStep),
            new MainStep("EvalBenchmark", List.of("solver/src/main/resources/dev/calx/solver/default-model",
                    "{shared}/data/gsm8k/test.jsonl", "20", "4"),
                    List.of("solver/src/main/resources/dev/calx/solver/default-model", "{shared}/data/gsm8k/test.jsonl", "100", "4"),
                    Suite::adaptEval),
            new MainStep("InterpreterToraReplayBenchmark", List.of("{shared}/data/samples/tora_code_nested_examples.jsonl", "1"),
                    List.of("{shared}/data/samples/tora_code_nested_examples.jsonl", "3"), Suite::adaptInterpreter));

    static String guessModule(String file) {
        String f = file.toLowerCase();
        if (f.contains("torch")) return "torch";
        if (f.contains("numpy") || f.contains("gemm") || f.contains("gemv")) return "numpy";
        if (f.contains("sentencepiece") || f.contains("token")) return "sentencepiece";
        return null;
    }

    static String installHint(String module) {
        return module == null ? "" : "apt-get install -y python3-" + module;
    }

    /** EvalBenchmark: "calx eval: 20 problems, 4 batch, 12.34 problems/min, accuracy ...". */
    static List<Result> adaptEval(String out) {
        Matcher m = Pattern.compile("calx eval: (\\d+) problems, (\\d+) batch, ([\\d.]+) problems/min").matcher(out);
        List<Result> r = new ArrayList<>();
        while (m.find()) {
            r.add(new Result("eval", Map.of("problems", m.group(1), "batch", m.group(2), "model", "default", "data", "gsm8k"), "calx",
                    Double.parseDouble(m.group(3)), "problems/min", "EvalBenchmark", ""));
        }
        return r;
    }

    /** block_torch.py: "torch 1.13.0, 2 threads, batch 8 x seq 256: 12,345 tokens/s (median ...". */
    static List<Result> adaptBlockTorch(String out) {
        Matcher m = Pattern.compile("torch (\\S+), (\\d+) threads, batch (\\d+) x seq (\\d+): ([\\d,.]+) tokens/s \\(median").matcher(out);
        List<Result> r = new ArrayList<>();
        while (m.find()) {
            r.add(new Result("llama_block", Map.of("batch", m.group(3), "seq", m.group(4)), "torch " + m.group(1),
                    Double.parseDouble(m.group(5).replace(",", "")), "tokens/s", "block_torch.py", m.group(2)));
        }
        return r;
    }

    /**
     * The interpreter's JSON summaries (CPython's interpreter_peer.py and Calx's
     * InterpreterToraReplayBenchmark print the same shape): {"engine", "cells", "agree",
     * "best_pass_ms"} for the ToRA replay, {"engine", "print_warm_median_ms",
     * "fresh_namespace_cell_median_ms"} for the micro benchmarks. Engine "graalpy" is Calx.
     */
    static List<Result> adaptInterpreter(String out) {
        List<Result> r = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.split("\n")) {
            if (!line.startsWith("{") || !line.contains("\"engine\"")) continue;
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (Exception e) {
                continue;
            }
            String engine = n.path("engine").asText();
            String source = engine.startsWith("graalpy") ? "calx" : engine;
            String origin = source.equals("calx") ? "InterpreterToraReplayBenchmark" : "interpreter_peer.py";
            if (n.has("best_pass_ms")) {
                Map<String, String> p = Map.of("cells", n.path("cells").asText());
                r.add(new Result("interpreter_tora_replay", p, source, n.path("best_pass_ms").asDouble(), "ms", origin, "1"));
                r.add(new Result("interpreter_tora_agreement", p, source, n.path("agree").asDouble(), "cells agreeing", origin, "1"));
            }
            if (n.has("print_warm_median_ms")) {
                r.add(new Result("interpreter_print_warm", Map.of(), source, n.path("print_warm_median_ms").asDouble(), "ms", origin, "1"));
            }
            if (n.has("fresh_namespace_cell_median_ms")) {
                r.add(new Result("interpreter_fresh_session", Map.of("cell", "x = 1"), source,
                        n.path("fresh_namespace_cell_median_ms").asDouble(), "ms", origin, "1"));
            }
        }
        return r;
    }

    /**
     * The trainer's step benchmark (Calx main class) and its PyTorch peer (tools/trainer_bench.py)
     * print "calx train step: ... N params ..." / "pytorch V train step: N params ..." and then
     * "X tokens/s (...". Keyed by the parameter count, which both print and which pins the shape.
     */
    static List<Result> adaptTrainStep(String out) {
        Matcher head = Pattern.compile("(?m)^(calx|pytorch(?: \\S+)?) train step:.*?(\\d+) params(?:, threads (\\d+))?").matcher(out);
        Matcher rate = Pattern.compile("(?m)^([\\d.]+) tokens/s \\(").matcher(out);
        List<Result> r = new ArrayList<>();
        if (head.find() && rate.find()) {
            String who = head.group(1);
            String source = who.equals("calx") ? "calx" : who.replace("pytorch", "torch");
            r.add(new Result("training_step", Map.of("params", head.group(2)), source, Double.parseDouble(rate.group(1)), "tokens/s",
                    source.equals("calx") ? "TrainStepBenchmark" : "trainer_bench.py", head.group(3) == null ? "" : head.group(3)));
        }
        return r;
    }

    /**
     * compare_gemm_peer.py's measure file (appended to its output by the runner):
     * {"threads": "2", "numpy": "1.24.2", "gemm": {"MxNxK": GFLOP/s}, "gemv": {"RxC": GB/s fp32}}.
     * One thread answers the gemm_1thread rows (GemmSingleThreadBenchmark).
     */
    static List<Result> adaptCompareGemm(String out) {
        List<Result> r = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.split("\n")) {
            if (!line.startsWith("{") || !line.contains("\"gemm\"")) continue;
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (Exception e) {
                continue;
            }
            String threads = n.path("threads").asText(), suffix = threads.equals("1") ? "_1thread" : "";
            String peer = "numpy " + n.path("numpy").asText() + " (OpenBLAS)";
            n.path("gemm").properties().forEach(e -> r.add(new Result("gemm" + suffix, Map.of("shape", e.getKey()), peer,
                    e.getValue().asDouble(), "GFLOP/s", "compare_gemm_peer.py", threads)));
            n.path("gemv").properties().forEach(e -> r.add(new Result("gemv" + suffix, Map.of("shape", e.getKey(), "dtype", "F32"), peer,
                    e.getValue().asDouble(), "GB/s", "compare_gemm_peer.py", threads)));
        }
        return r;
    }

    /** decode_numpy_gemv.py: "sgemv [2048x768] fp32 (6.3 MB): 41.2 GB/s, threads=default". */
    static List<Result> adaptDecodeNumpyGemv(String out) {
        Matcher m = Pattern.compile("sgemv \\[(\\d+x\\d+)\\] fp32 \\([\\d.]+ MB\\): ([\\d.]+) GB/s, threads=(\\S+)").matcher(out);
        List<Result> r = new ArrayList<>();
        while (m.find()) {
            r.add(new Result("gemv", Map.of("shape", m.group(1), "dtype", "F32"), "numpy (OpenBLAS)", Double.parseDouble(m.group(2)),
                    "GB/s", "decode_numpy_gemv.py", m.group(3).equals("default") ? "" : m.group(3)));
        }
        return r;
    }

    /** tokenizer_peer.py: "batch: best 12.34 MB/s, median 11.00 MB/s over 3 runs" (and "loop: ..."). */
    static List<Result> adaptTokenizerPeer(String out) {
        Matcher v = Pattern.compile("sentencepiece (\\S+):").matcher(out);
        String version = v.find() ? " " + v.group(1) : "";
        Matcher m = Pattern.compile("(?m)^(batch|loop)\\s*: best ([\\d.]+) MB/s, median ([\\d.]+) MB/s").matcher(out);
        List<Result> r = new ArrayList<>();
        while (m.find()) {
            String peer = "sentencepiece" + version + (m.group(1).equals("loop") ? " (Python loop)" : "");
            r.add(new Result("tokenizer_encode", Map.of("file", "tokenizer.model"), peer, Double.parseDouble(m.group(3)),
                    "MB/s", "tokenizer_peer.py", "1"));
        }
        return r;
    }
}
