package dev.calx.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays every code cell of the ToRA examples (each problem one session, cells in order) in the
 * GraalPy interpreter, compares each result with the recorded {@code ```output} block
 * (whitespace-normalized) and times warm passes. {@code benchmarks/interpreter_peer.py --tora}
 * does the same with CPython; run both side by side (see benchmarks/README.md, "Interpreter").
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.calx.benchmarks.InterpreterToraReplayBenchmark
 * [FILE.jsonl] [passes]}; default file {@code ../shared/data/samples/tora_code_nested_examples.jsonl}.
 */
public final class InterpreterToraReplayBenchmark {
    /** A python fence followed by its output fence, as ToRA and MuMath-Code write them. */
    static final Pattern CELL = Pattern.compile("```python\\n(.*?)```\\s*```output\\n(.*?)```", Pattern.DOTALL);

    record Cell(String code, String expected) {}

    record Problem(String id, List<Cell> cells) {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "../shared/data/samples/tora_code_nested_examples.jsonl");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (!Files.exists(file)) throw new IllegalArgumentException("missing " + file.toAbsolutePath());
        List<Problem> problems = load(file);
        int cells = problems.stream().mapToInt(p -> p.cells().size()).sum();
        InterpreterOptions options = InterpreterOptions.defaults().withSpareWorkers(0).withTimeout(java.time.Duration.ofSeconds(60));
        try (PythonInterpreter py = new PythonInterpreter(options)) {
            long t0 = System.nanoTime();
            boolean sympy = py.awaitReady();
            System.out.printf("worker ready in %d ms (sympy pre-imported: %s, JIT: %s)%n",
                    (System.nanoTime() - t0) / 1_000_000, sympy, options.graalJitDir() != null);
            List<String> got = null;
            long best = Long.MAX_VALUE;
            for (int pass = 0; pass <= passes; pass++) { // pass 0 warms up
                long p0 = System.nanoTime();
                got = replay(py, problems);
                long ms = (System.nanoTime() - p0) / 1_000_000;
                System.out.printf("pass %d: %d cells in %d ms%s%n", pass, cells, ms, pass == 0 ? " (warm-up)" : "");
                if (pass > 0) best = Math.min(best, ms);
            }
            List<String> slow = new ArrayList<>();
            for (int k = 0; k < lastMillis.size(); k++) slow.add(String.format("%6d ms  %s", lastMillis.get(k), cellIds.get(k)));
            slow.sort(java.util.Comparator.reverseOrder());
            System.out.println("slowest cells of the last pass:");
            slow.stream().limit(5).forEach(l -> System.out.println("  " + l));
            int agree = 0;
            int i = 0;
            for (Problem p : problems) {
                for (Cell c : p.cells()) {
                    String g = got.get(i++);
                    if (normalize(g).equals(normalize(c.expected()))) {
                        agree++;
                    } else {
                        System.out.printf("MISMATCH %s%n  expected: %s%n  got:      %s%n", p.id(),
                                abbreviate(c.expected()), abbreviate(g));
                    }
                }
            }
            System.out.printf("{\"engine\":\"graalpy\",\"cells\":%d,\"agree\":%d,\"best_pass_ms\":%d}%n", cells, agree, best);
        }
    }

    static List<Problem> load(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Problem> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode row = json.readTree(line);
            StringBuilder text = new StringBuilder();
            for (JsonNode m : row.path("messages")) {
                if (m.path("role").asText().equals("assistant")) text.append(m.path("content").asText()).append('\n');
            }
            List<Cell> cells = new ArrayList<>();
            Matcher m = CELL.matcher(text);
            while (m.find()) cells.add(new Cell(m.group(1), m.group(2)));
            if (!cells.isEmpty()) out.add(new Problem(row.path("id").asText(), cells));
        }
        return out;
    }

    private static final List<Long> lastMillis = new ArrayList<>();
    private static final List<String> cellIds = new ArrayList<>();

    /** One pass: each problem in a fresh session; returns each cell rendered as output + error. */
    static List<String> replay(PythonInterpreter py, List<Problem> problems) {
        List<String> got = new ArrayList<>();
        lastMillis.clear();
        cellIds.clear();
        for (Problem p : problems) {
            try (PythonSession s = py.newSession()) {
                for (Cell c : p.cells()) {
                    CellResult r = s.run(c.code());
                    lastMillis.add(r.millis());
                    cellIds.add(p.id());
                    got.add(r.error() == null ? r.output() : r.output() + r.error());
                }
            }
        }
        return got;
    }

    static String normalize(String s) {
        return String.join(" ", s.trim().split("\\s+"));
    }

    private static String abbreviate(String s) {
        String n = normalize(s);
        return n.length() > 200 ? n.substring(0, 200) + "..." : n;
    }
}
