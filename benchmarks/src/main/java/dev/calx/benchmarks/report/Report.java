package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes benchmarks/REPORT.md and the PNG plots (benchmarks/report/*.png) from a results
 * directory (what {@link RunSuite} leaves: run.json, jmh/*.json, peers.jsonl), and refreshes the
 * headline table between the calx-report markers in benchmarks/README.md. Run alone to
 * regenerate without measuring: {@code java -cp benchmarks.jar dev.calx.benchmarks.report.Report [--root DIR] [--results DIR]}.
 */
public final class Report {
    static final String BEGIN = "<!-- calx-report:begin -->", END = "<!-- calx-report:end -->";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of("."), results = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[i + 1]);
                case "--results" -> results = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--root DIR, --results DIR)");
            }
        }
        root = root.toAbsolutePath().normalize();
        System.out.println("wrote " + write(root, results == null ? root.resolve("benchmarks/report/results") : results));
    }

    /** Everything a results directory holds, converted to results. */
    public record Loaded(JsonNode run, List<Result> calx, List<Result> peers, List<String> problems) {}

    public static Loaded load(Path dir) throws IOException {
        Path runFile = dir.resolve("run.json");
        JsonNode run = Files.exists(runFile) ? JSON.readTree(runFile.toFile()) : JSON.createObjectNode();
        List<Result> calx = new ArrayList<>(), peers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path jmh = dir.resolve("jmh");
        if (Files.isDirectory(jmh)) {
            try (Stream<Path> s = Files.list(jmh)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    try {
                        for (JmhRecord r : JmhRecord.read(f)) calx.add(Suite.toResult(r));
                    } catch (IOException | IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        calx.addAll(readLines(dir.resolve("calx.jsonl")));
        peers.addAll(readLines(dir.resolve("peers.jsonl")));
        peers.addAll(decodeBounds(calx, peers));
        return new Loaded(run, calx, peers, problems);
    }

    /** Results stored one JSON object per line (bench, peer, value, unit, params, threads, origin). */
    static List<Result> readLines(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            out.add(new Result(n.get("bench").asText(), params, n.get("peer").asText(), n.get("value").asDouble(),
                    n.get("unit").asText(), n.path("origin").asText(""), n.path("threads").asText("")));
        }
        return out;
    }

    /** For each decode result, the memory bound from numpy's matrix-vector bandwidth on its largest matrix, same run. */
    static List<Result> decodeBounds(List<Result> calx, List<Result> peers) {
        // the largest matrix numpy streamed: the DRAM bandwidth a decode step sees (small ones sit in cache)
        Result bw = null;
        for (Result p : peers) {
            if (!p.bench().equals("gemv") || !p.source().toLowerCase().contains("numpy") || !p.unit().equals("GB/s")) continue;
            if (bw == null || size(p) > size(bw) || size(p) == size(bw) && p.value() > bw.value()) bw = p;
        }
        List<Result> out = new ArrayList<>();
        if (bw == null) return out;
        for (Result c : calx) {
            if (!c.bench().equals("decode") || c.param("shape") == null || c.param("dtype") == null) continue;
            int ctx = c.param("context") == null ? 0 : Integer.parseInt(c.param("context"));
            var bytes = DecodeBound.bytesPerToken(c.param("shape"), c.param("dtype"), ctx);
            if (bytes.isEmpty()) continue;
            out.add(new Result("decode", c.params(), String.format("bound %.1f GB/s (numpy %s)", bw.value(),
                    bw.param("shape") == null ? bw.params().toString() : bw.param("shape")),
                    bw.value() * 1e9 / bytes.get(), "tokens/s", "DecodeBound", bw.threads()));
        }
        return out;
    }

    private static double size(Result r) {
        try {
            double n = 1;
            for (long d : Mapping.gemmDims(r.params())) n *= d;
            return n;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** A Calx result beside one peer answering the same question (peer null: none). */
    record Row(Result calx, Result peer) {
        /** Calx's speed relative to the peer (>1: Calx faster), NaN without both. */
        double ratio() {
            if (calx == null || peer == null || !calx.unit().equals(peer.unit())) return Double.NaN;
            return Result.lowerIsBetter(calx.unit()) ? peer.value() / calx.value() : calx.value() / peer.value();
        }
    }

    static List<Row> rows(List<Result> calx, List<Result> peers) {
        List<Row> rows = new ArrayList<>();
        Set<Result> matched = new LinkedHashSet<>();
        for (Result c : calx) {
            List<Result> ps = peers.stream().filter(p -> p.key().equals(c.key())).toList();
            if (ps.isEmpty()) rows.add(new Row(c, null));
            for (Result p : ps) {
                rows.add(new Row(c, p));
                matched.add(p);
            }
        }
        for (Result p : peers) if (!matched.contains(p)) rows.add(new Row(null, p));
        return rows;
    }

    public static Path write(Path root, Path results) throws IOException {
        Loaded l = load(results);
        Path bench = root.resolve("benchmarks"), plots = bench.resolve("report");
        String command = l.run.path("command").asText("(unknown command)");
        JsonNode m = l.run.path("machine");
        String machine = m.isMissingNode() ? "(machine not recorded)" : String.format("%s, %d cores, %.1f GiB RAM",
                m.path("cpu").asText(), m.path("cores").asInt(), m.path("memoryBytes").asLong() / (double) (1L << 30));
        String jdk = m.path("jdk").asText("?"), date = m.path("date").asText("?");
        String profile = l.run.path("profile").asText("?");

        StringBuilder md = new StringBuilder("# Calx benchmark report\n\n");
        md.append("Generated by `").append(command).append("` on ").append(date).append(".\n\n");
        md.append("- Machine: ").append(machine).append("\n- JDK: ").append(jdk).append("\n- Profile: ").append(profile)
                .append(profile.equals("quick")
                        ? " (each JMH benchmark: 1 fork, 1 warm-up and 2 measurement iterations of 1 s per parameter set; short runs, expect a few percent of noise)"
                        : " (each JMH benchmark with its own warm-up/measurement annotations, 1 fork)")
                .append(String.format("; %s s of measurement (lock waits excluded)\n", l.run.path("measuredSeconds").asText("?")))
                .append(l.run.has("loadAverageAtEnd") ? "- Load average (1/5/15 min) when the run ended: " + l.run.path("loadAverageAtEnd").asText()
                        + " (above 2 on this 2-core machine means other processes competed with the measurements)\n" : "")
                .append("- Threads: Calx rows state theirs (`-Dcalx.threads` of the fork or a `threads` parameter; empty = all cores); ")
                .append("peers as they report. Peers ran in the same run, with `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset.\n")
                .append("- Ratio = Calx speed / peer speed (above 1: Calx is faster; for latencies the inverse of the time ratio).\n\n");

        List<Row> all = rows(l.calx, l.peers);
        md.append("## Headline\n\n| topic | Calx / peer | compared rows |\n|---|---|---|\n");
        StringBuilder headline = new StringBuilder("| topic | Calx / peer | compared rows |\n|---|---|---|\n");
        for (Suite.Topic t : Suite.TOPICS) {
            List<Row> tr = all.stream().filter(r -> Double.isFinite(r.ratio()) && topicOf(r) == t).toList();
            if (tr.isEmpty()) continue;
            double lo = tr.stream().mapToDouble(Row::ratio).min().orElseThrow(), hi = tr.stream().mapToDouble(Row::ratio).max().orElseThrow();
            String line = String.format("| %s | %s | %d |\n", t.title(),
                    lo == hi ? String.format("%.2fx", lo) : String.format("%.2fx to %.2fx", lo, hi), tr.size());
            md.append(line);
            headline.append(line);
        }
        md.append('\n');

        List<String> figures = new ArrayList<>();
        for (Suite.Topic t : Suite.TOPICS) {
            List<Row> tr = all.stream().filter(r -> topicOf(r) == t).toList();
            if (tr.isEmpty()) continue;
            md.append("## ").append(t.title()).append("\n\n| benchmark | params | Calx | peer | peer value | Calx / peer |\n|---|---|---|---|---|---|\n");
            for (Row r : tr) {
                Result any = r.calx != null ? r.calx : r.peer;
                md.append(String.format("| %s | %s | %s | %s | %s | %s |\n", r.calx != null ? r.calx.origin() : any.bench(),
                        paramText(any), r.calx == null ? "not measured" : value(r.calx),
                        r.peer == null ? "—" : r.peer.source() + (r.peer.threads().isEmpty() ? "" : " (" + r.peer.threads() + " thr)"),
                        r.peer == null ? "—" : value(r.peer), Double.isFinite(r.ratio()) ? String.format("%.2fx", r.ratio()) : "—"));
            }
            Path png = plots.resolve(t.id() + ".png");
            String threads = String.join(", ", tr.stream().map(r -> r.calx).filter(c -> c != null && !c.threads().isEmpty())
                    .map(Result::threads).distinct().toList());
            List<String> footer = List.of(machine + "; " + jdk,
                    "Calx threads: " + (threads.isEmpty() ? "all cores" : threads) + "; " + date + "; profile " + profile,
                    "command: " + command);
            if (plot(t, tr, footer, png)) {
                md.append("\n![").append(t.title()).append("](report/").append(png.getFileName()).append(")\n\n*")
                        .append(String.join(" — ", footer)).append("*\n");
                figures.add(png.getFileName().toString());
            }
            md.append('\n');
        }

        md.append("## Missing rows\n\n");
        List<String> missing = missing(l, all);
        if (missing.isEmpty()) md.append("None: every expected benchmark and peer produced results.\n");
        for (String s : missing) md.append("- ").append(s).append('\n');
        for (String p : l.problems) md.append("- unreadable result: ").append(p).append('\n');
        md.append('\n');

        md.append(LargeModelSection.markdown(bench.resolve("report/large-model.json")));

        md.append("## Steps\n\n| step | status | measured s | lock wait s |\n|---|---|---|---|\n");
        for (JsonNode s : l.run.path("steps")) {
            md.append(String.format("| %s | %s | %s | %s |\n", s.path("name").asText(), s.path("status").asText().replace("|", "/"),
                    s.path("seconds").asText(), s.path("lockWaitSeconds").asText()));
        }
        md.append("\nRaw results: `benchmarks/report/results/` (JMH JSON per class, `peers.jsonl`, `run.json`, logs). ")
                .append("Regenerate this file without measuring: `benchmarks/run --report-only`.\n");

        Path report = bench.resolve("REPORT.md");
        writeAtomically(report, md.toString());
        updateReadme(bench.resolve("README.md"), headline.toString(), command, date);
        return report;
    }

    static Suite.Topic topicOf(Row r) {
        return Suite.topicOfBench((r.calx != null ? r.calx : r.peer).bench());
    }

    private static String paramText(Result r) {
        return r.params().isEmpty() ? "" : String.join(" ", r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String value(Result r) {
        return BarChart.format(r.value()) + " " + r.unit();
    }

    /**
     * One bar chart per topic: groups by the size-like parameter that varies (shape, size, model,
     * else the first varying one, else the bench), one series per source and remaining varying params.
     */
    static boolean plot(Suite.Topic t, List<Row> rows, List<String> footer, Path png) throws IOException {
        List<Result> rs = new ArrayList<>();
        for (Row r : rows) {
            if (r.calx != null && !rs.contains(r.calx)) rs.add(r.calx);
            if (r.peer != null && !rs.contains(r.peer)) rs.add(r.peer);
        }
        rs.removeIf(r -> !Double.isFinite(r.value()));
        if (rs.isEmpty()) return false;
        String unit = rs.getFirst().unit();
        rs.removeIf(r -> !r.unit().equals(unit));
        Set<String> varying = new LinkedHashSet<>();
        for (Result r : rs) for (String k : r.params().keySet()) {
            if (rs.stream().map(x -> x.param(k)).distinct().count() > 1) varying.add(k);
        }
        String groupBy = Stream.of("shape", "size", "model").filter(varying::contains).findFirst()
                .orElse(varying.isEmpty() ? null : varying.iterator().next());
        long benches = rs.stream().map(Result::bench).distinct().count();
        Map<String, Map<String, Double>> cells = new LinkedHashMap<>();
        Set<String> series = new LinkedHashSet<>();
        for (Result r : rs) {
            String g = groupBy == null ? r.bench() : String.valueOf(r.param(groupBy));
            StringBuilder s = new StringBuilder(r.source().equals("calx") ? "Calx" : r.source());
            if (benches > 1) s.append(' ').append(r.bench());
            for (String k : varying) if (!k.equals(groupBy) && r.param(k) != null) s.append(' ').append(k).append('=').append(r.param(k));
            series.add(s.toString());
            cells.computeIfAbsent(g, x -> new LinkedHashMap<>()).put(s.toString(), r.value());
        }
        List<String> groups = new ArrayList<>(cells.keySet()), ss = new ArrayList<>(series);
        double[][] v = new double[groups.size()][ss.size()];
        for (int i = 0; i < groups.size(); i++) {
            for (int j = 0; j < ss.size(); j++) v[i][j] = cells.get(groups.get(i)).getOrDefault(ss.get(j), Double.NaN);
        }
        new BarChart(t.title() + (groupBy == null ? "" : " by " + groupBy), unit, groups, ss, v, footer).write(png);
        return true;
    }

    static List<String> missing(Loaded l, List<Row> all) {
        List<String> out = new ArrayList<>();
        for (Suite.Topic t : Suite.TOPICS) {
            if (t.expectedJmh() == null) continue;
            boolean calx = all.stream().anyMatch(r -> r.calx != null && topicOf(r) == t);
            boolean peer = all.stream().anyMatch(r -> r.peer != null && topicOf(r) == t);
            List<String> steps = new ArrayList<>();
            for (JsonNode s : l.run.path("steps")) {
                String name = s.path("name").asText();
                boolean wrapper = Suite.NOT_PEERS.keySet().stream().anyMatch(f -> name.equals("peer " + f));
                if (s.path("topic").asText().equals(t.id()) && !s.path("status").asText().equals("ok") && !wrapper) {
                    steps.add(s.path("name").asText() + ": " + s.path("status").asText());
                }
            }
            String why = steps.isEmpty() ? "" : " (" + String.join("; ", steps) + ")";
            if (!calx) out.add(t.title() + ": no Calx result — expected JMH class " + t.expectedJmh() + why);
            if (!peer && !t.expectedPeer().equals("(none)")) out.add(t.title() + ": no peer result — expected " + t.expectedPeer() + why);
            else if (calx && peer && !steps.isEmpty()) out.add(t.title() + ": incomplete" + why);
        }
        return out;
    }

    private static void updateReadme(Path readme, String headline, String command, String date) throws IOException {
        if (!Files.exists(readme)) return;
        String text = Files.readString(readme);
        int b = text.indexOf(BEGIN), e = text.indexOf(END);
        if (b < 0 || e < b) return;
        String block = BEGIN + "\nHeadline ratios from [REPORT.md](REPORT.md) (`" + command + "`, " + date + "):\n\n" + headline + "\n" + END;
        writeAtomically(readme, text.substring(0, b) + block + text.substring(e + END.length()));
    }

    static void writeAtomically(Path target, String text) throws IOException {
        dev.calx.llama.format.TempFiles.writeAtomically(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
