package dev.calx.solver;

import dev.calx.decode.eval.EvalHarness;
import dev.calx.decode.eval.OutputLock;
import dev.calx.decode.eval.EvalSummary;
import dev.calx.decode.eval.Problem;
import dev.calx.decode.eval.ProblemReader;
import dev.calx.decode.eval.ProgressBar;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.grade.MathGrader;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.StrictUtf8;
import dev.calx.llama.format.TempFiles;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code calx eval}: solves a data set with a model and grades it; one JSON line per problem,
 * resumable, with a progress bar and a summary.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on GSM8K, MATH, SVAMP/ASDiv or MathCoder JSONL.")
public final class EvalCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public EvalCommand() { }

    private static final ObjectMapper JSON = StrictJson.mapper();

    @Mixin
    SolveCommand.Decoding decoding;

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "Problems with references.")
    Path data;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N problems; 0: all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch", defaultValue = "1",
            description = "Problems in flight at once; their decode steps run as one batched forward, each with its own"
                    + " KV cache and Python session (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--python-workers", defaultValue = "0", paramLabel = "N",
            description = "GraalPy worker processes shared by the problems in flight; 0: min(--batch, processors)"
                    + " (default: ${DEFAULT-VALUE}). Each worker is a JVM with SymPy imported.")
    int pythonWorkers;

    @Option(names = "--out", paramLabel = "FILE", description = "JSONL results; an existing file is resumed if it was made"
            + " with the same options (recorded in FILE.options.json); missing directories are created.")
    Path out;

    @Option(names = "--question-field", paramLabel = "F", description = "Question field (dotted path); default: detected.")
    String questionField;

    @Option(names = "--answer-field", paramLabel = "F", description = "Reference field (dotted path); default: detected.")
    String answerField;

    @Option(names = "--no-outputs", description = "Leave transcripts out of the JSON lines.")
    boolean noOutputs;

    /**
     * More workers than cores only compete for them: their start-up (SymPy import) alone takes
     * many seconds each. More than {@code inFlight} can never all be busy: each problem runs one
     * cell at a time. (100000 started 100000 JVMs of up to 1 GiB each.)
     */
    int workers(int inFlight) {
        if (pythonWorkers == 0) return Math.max(1, Math.min(inFlight, Runtime.getRuntime().availableProcessors()));
        if (pythonWorkers > inFlight) {
            System.err.println("calx: --python-workers " + pythonWorkers + " lowered to " + inFlight + ": at most " + inFlight
                    + " problem(s) are in flight (--batch " + batch + ", " + inFlight + " to solve at most), each running one cell at a time");
            return inFlight;
        }
        return pythonWorkers;
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 0) throw new IllegalArgumentException("--limit must be 0 (all) or more, got " + limit);
        if (batch < 1) throw new IllegalArgumentException("--batch must be 1 or more, got " + batch);
        if (pythonWorkers < 0) throw new IllegalArgumentException("--python-workers must be 0 (automatic) or more, got " + pythonWorkers);
        if (out != null && Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a directory; eval writes one JSONL file (e.g. " + out.resolve("eval.jsonl") + ")");
        }
        if (out != null && Files.exists(out) && Files.exists(data) && Files.isSameFile(out, data)) {
            // the records were appended to the problems, and the next run read them as problems
            throw new IllegalArgumentException("--out " + out + " is the --data file; the results would be appended to the problems: give another file");
        }
        List<Problem> problems = new ProblemReader(questionField, answerField).read(data);
        if (problems.isEmpty()) throw new IllegalArgumentException(data + ": no problems in the file");
        if (limit > 0 && limit < problems.size()) problems = problems.subList(0, limit);
        PromptFormat format = decoding.promptFormat();
        SolveOptions options = decoding.solveOptions(format);
        // more threads and batch slots than problems would only sit idle (the batch is not part of the options record)
        int inFlight = Math.min(batch, problems.size());
        EvalHarness harness = new EvalHarness(new EvalHarness.Config(format, options, inFlight, new MathGrader(), !noOutputs));
        // the lock first: a second eval on this --out stops before it loads a model or starts Python
        try (OutputLock lock = out == null ? null : EvalHarness.lock(out);
             LlamaSessionFactory model = decoding.openModel()) {
            if (out != null) checkResumable(runOptions(model, format, options));
            try (PythonExecutor executor = decoding.openExecutor(workers(inFlight), false)) {
                ProgressBar bar = new ProgressBar(System.err, problems.size(), ProgressBar.stderrIsTerminal());
                EvalSummary s = out == null ? harness.run(problems, model, executor, null, bar)
                        : harness.run(problems, model, executor, out, bar, lock);
                s.lines().forEach(System.out::println);
            }
        }
        return 0;
    }

    static final String DATA_SHA256 = "data-sha256";
    static final String MODEL_FINGERPRINT = "model-fingerprint";
    /** Keys an older calx did not record: a record without one resumes on the rest, with a note. */
    private static final List<String> ADDED_KEYS = List.of(DATA_SHA256, MODEL_FINGERPRINT);
    static final int SAMPLES = 16, SAMPLE_BYTES = 64 * 1024;

    /**
     * {@return a SHA-256, in hex, over each file's name, size and content: all of it up to
     * {@code SAMPLES * SAMPLE_BYTES} (1 MiB), else {@code SAMPLES} evenly spaced pieces of
     * {@code SAMPLE_BYTES} from the first byte to the last}
     * A retrained or replaced model changes it; a change confined to bytes between the pieces
     * does not. Sampling keeps a resume of a 13 GB checkpoint from reading all of it first.
     */
    static String fingerprint(List<Path> files) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(SAMPLE_BYTES);
        for (Path f : files) {
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ)) {
                long size = ch.size();
                md.update((f.getFileName() + "\n" + size + "\n").getBytes(StandardCharsets.UTF_8));
                boolean whole = size <= (long) SAMPLES * SAMPLE_BYTES;
                int pieces = whole ? (int) ((size + SAMPLE_BYTES - 1) / SAMPLE_BYTES) : SAMPLES;
                for (int k = 0; k < pieces; k++) {
                    long at = whole ? (long) k * SAMPLE_BYTES : (size - SAMPLE_BYTES) * k / (SAMPLES - 1);
                    buf.clear();
                    buf.limit((int) Math.min(SAMPLE_BYTES, size - at));
                    while (buf.hasRemaining()) {
                        if (ch.read(buf, at + buf.position()) < 0) throw new IOException(f + ": shorter than its size " + size + " while reading it");
                    }
                    md.update(buf.flip());
                }
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** {@return the SHA-256 of a file's bytes, in hex} */
    static String sha256(Path file) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** {@return the file beside --out that records the options its records were made with} */
    static Path optionsFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".options.json");
    }

    /**
     * Everything that changes a record, by option name: a resumed --out must have been made with
     * the same. --limit may grow (that is what resuming is for); --batch and the worker count
     * do not change transcripts (batched decoding gives batch 1's, BatchedEvalTest).
     */
    private Map<String, String> runOptions(LlamaSessionFactory model, PromptFormat format, SolveOptions options) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data", data.toAbsolutePath().normalize().toString());
        // the path alone let a regenerated data file's records mix with the old file's references
        m.put(DATA_SHA256, sha256(data));
        m.put("model", (decoding.model != null ? decoding.model : DefaultModel.directory()).toAbsolutePath().normalize().toString());
        m.put("tokenizer", decoding.tokenizer == null ? "the model's" : decoding.tokenizer.toAbsolutePath().normalize().toString());
        // the path alone let a model retrained in place add its records to the old model's
        m.put(MODEL_FINGERPRINT, fingerprint(model.files()));
        m.put("format", format.name());
        m.put("max-tool-calls", String.valueOf(options.maxToolCalls()));
        m.put("max-new-tokens", String.valueOf(options.maxNewTokensPerSegment()));
        m.put("max-total-tokens", String.valueOf(options.maxNewTokensTotal()));
        m.put("max-length", String.valueOf(model.maxLength()));
        m.put("temperature", String.valueOf(decoding.temperature));
        m.put("top-k", String.valueOf(decoding.topK));
        m.put("top-p", String.valueOf(decoding.topP));
        m.put("seed", String.valueOf(decoding.seed));
        m.put("python-timeout", String.valueOf(decoding.pythonTimeout));
        m.put("question-field", questionField == null ? "detected" : questionField);
        m.put("answer-field", answerField == null ? "detected" : answerField);
        return m;
    }

    /**
     * Refuses to add records to an --out made with other options (its summary would mix two
     * runs); otherwise records this run's options beside it (temporary file, then rename).
     */
    private void checkResumable(Map<String, String> now) throws IOException {
        Path file = optionsFile(out);
        boolean hasRecords = Files.isRegularFile(out) && Files.size(out) > 0;
        if (hasRecords && Files.isRegularFile(file)) {
            Map<String, String> before;
            String text = StrictUtf8.withoutBom(StrictUtf8.read(file, "the options record of calx eval"));
            try {
                before = JSON.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { });
            } catch (IOException e) {
                String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? StrictJson.reason(j) : e.getMessage();
                throw new IOException(file + ": not an options record of calx eval: " + why, e);
            }
            List<String> diff = new ArrayList<>();
            // a record from before a key was added: the other keys are all there is to go on
            List<String> missing = new ArrayList<>();
            for (String k : ADDED_KEYS) if (before.putIfAbsent(k, now.get(k)) == null) missing.add(k);
            for (var e : now.entrySet()) {
                String was = before.get(e.getKey());
                if (e.getValue().equals(was)) continue;
                diff.add(e.getKey().equals(MODEL_FINGERPRINT) ? MODEL_FINGERPRINT + " differs (the model's files have changed since)"
                        : e.getKey() + " " + (was == null ? "(not recorded)" : was) + ", now " + e.getValue());
            }
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException(out + " holds records of a run with other options (" + String.join("; ", diff)
                        + "): use another --out, or that run's options to resume it");
            }
            if (missing.isEmpty()) return;
            System.err.println("calx: " + file.getFileName() + " has no " + String.join(" or ", missing) + " (an older calx wrote it):"
                    + " resuming on its other options, and recording this run's " + String.join(" and ", missing));
        } else if (hasRecords) {
            System.err.println("calx: resuming " + out + ", which has no " + file.getFileName()
                    + ": its records' options cannot be checked against this run's; recording this run's");
        }
        TempFiles.createParentDirectories(out);
        Path tmp = TempFiles.createBeside(file);
        try {
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(now) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
