package dev.calx.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The orchestrator behind {@code benchmarks/run}: runs every JMH benchmark class in
 * benchmarks.jar and every peer script in benchmarks/ in one time-bounded pass, each step under
 * the machine-wide lock, then writes the report ({@link Report}). Results go to
 * benchmarks/report/results/ (jmh/*.json, calx.jsonl for main-class measurements, peers.jsonl,
 * run.json, logs/).
 * <p>
 * Options: {@code --quick | --full}, {@code --only REGEX} (step names), {@code --lock FILE|none},
 * {@code --budget SECONDS}, {@code --root DIR}, {@code --jar FILE}, {@code --shared DIR},
 * {@code --python FILE}, {@code --command TEXT} (what the report says produced it), {@code --add}
 * (keep the previous results and replace only those of the steps that run now, e.g. to add a
 * slow peer from a {@code --full --only} run to a quick report; the report names both commands).
 */
public final class RunSuite {
    /** The outcome of one step, as run.json records it. */
    public record Step(String name, String kind, String topic, String status, double seconds, double lockWaitSeconds,
                       String command, String log) {}

    private final Path root, jar, out, shared;
    private final Suite.Profile profile;
    private final String lock, python, only, command;
    /** --add: keep the previous run's results and replace only those of the steps run now. */
    private final boolean add;
    /** Result-file lines (peers.jsonl, calx.jsonl) written before this run, dropped per origin once it is rerun. */
    private final Map<String, List<String>> previousLines = new LinkedHashMap<>(), newLines = new LinkedHashMap<>();
    private final List<Step> previousSteps = new ArrayList<>();
    private String previousCommand, previousDate;
    private double previousMeasured;
    private final int budget;
    private final List<Step> steps = new ArrayList<>();
    private double measured;

    private RunSuite(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        jar = Path.of(o.getOrDefault("jar", root.resolve("benchmarks/target/benchmarks.jar").toString()));
        out = Path.of(o.getOrDefault("out", root.resolve("benchmarks/report/results").toString()));
        shared = Path.of(o.getOrDefault("shared", root.resolveSibling("shared").toString())).toAbsolutePath().normalize();
        profile = o.containsKey("full") ? Suite.Profile.FULL : Suite.Profile.QUICK;
        String l = o.getOrDefault("lock", "/tmp/calx-build.lock");
        lock = l.equals("none") ? null : l;
        python = o.getOrDefault("python", "/usr/bin/python3");
        only = o.get("only");
        command = o.getOrDefault("command", "benchmarks/run --" + profile.name().toLowerCase());
        budget = Integer.parseInt(o.getOrDefault("budget", Integer.toString(profile.budgetSeconds)));
        add = o.containsKey("add");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "' (options start with --)");
            String k = a.substring(2);
            if (k.equals("quick") || k.equals("full") || k.equals("add")) o.put(k, "");
            else if (i + 1 < args.length) o.put(k, args[++i]);
            else throw new IllegalArgumentException("option " + a + " needs a value");
        }
        new RunSuite(o).run();
    }

    private void run() throws IOException, InterruptedException {
        if (!Files.exists(jar)) throw new IOException("missing " + jar + ": build it with bin/build -q -o -pl benchmarks -am -DskipTests package");
        Files.createDirectories(out);
        for (String d : List.of("jmh", "logs")) {
            Path p = out.resolve(d);
            if (Files.exists(p) && !add) try (Stream<Path> s = Files.list(p)) { for (Path f : s.toList()) Files.delete(f); }
            Files.createDirectories(p);
        }
        for (String f : List.of("peers.jsonl", "calx.jsonl")) {
            Path p = out.resolve(f);
            if (add && Files.exists(p)) previousLines.put(f, new ArrayList<>(Files.readAllLines(p)));
            Files.deleteIfExists(p);
            if (add) Files.write(p, previousLines.getOrDefault(f, List.of()));
        }
        if (add && Files.exists(out.resolve("run.json"))) {
            ObjectMapper json = new ObjectMapper();
            var old = json.readTree(out.resolve("run.json").toFile());
            previousCommand = old.path("command").asText();
            previousMeasured = old.path("measuredSeconds").asDouble();
            previousDate = old.path("machine").path("date").asText();
            for (var st : old.path("steps")) previousSteps.add(json.treeToValue(st, Step.class));
        }
        Machine machine = Machine.detect();
        System.out.printf("calx benchmarks, %s profile (budget %d s of measurement, lock %s)%n%s%n",
                profile.name().toLowerCase(), budget, lock == null ? "none" : lock, machine.describe());

        List<String> classes = listJmhClasses();
        List<Path> scripts = listPeerScripts();
        boolean gpu = Files.exists(Path.of("/dev/nvidia0"));
        List<Runnable> plan = new ArrayList<>();
        for (Suite.Topic t : Suite.TOPICS) {
            for (String c : classes) if (Suite.topicOfClass(c) == t) plan.add(() -> jmhStep(c, t, gpu));
            for (Suite.MainStep m : Suite.MAINS) {
                if (Suite.topicOfClass(Suite.simpleName(m.className())) == t && mainClassExists(m.className())) plan.add(() -> mainStep(m, t));
            }
            for (Path s : scripts) if (Suite.topicOfScript(s.getFileName().toString()) == t) plan.add(() -> peerStep(s, t));
        }
        for (Runnable r : plan) r.run();

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("profile", profile.name().toLowerCase());
        meta.put("command", previousCommand == null ? command : previousCommand + "`, then `" + command);
        List<Step> allSteps = new ArrayList<>();
        for (Step p : previousSteps) if (steps.stream().noneMatch(x -> x.name().equals(p.name()))) allSteps.add(p);
        allSteps.addAll(steps);
        meta.put("machine", previousDate == null ? machine : new Machine(machine.cpu(), machine.cores(), machine.memoryBytes(),
                machine.jdk(), previousDate + ", then " + machine.date()));
        meta.put("budgetSeconds", budget);
        meta.put("measuredSeconds", Math.round((previousMeasured + measured) * 10) / 10.0);
        meta.put("loadAverageAtEnd", loadAverage()); // other processes compete for the cores outside the lock
        meta.put("steps", allSteps);
        Files.writeString(out.resolve("run.json"), json.writeValueAsString(meta));
        Path report = Report.write(root, out);
        System.out.printf("%.0f s measured; wrote %s%n", measured, root.relativize(report));
    }

    /** The benchmark classes in the jar ("java -jar benchmarks.jar -l"), simple names. */
    private List<String> listJmhClasses() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java(), "-jar", jar.toString(), "-l").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("java -jar " + jar + " -l failed:\n" + text);
        TreeSet<String> classes = new TreeSet<>();
        for (String line : text.split("\n")) {
            String s = line.strip();
            if (s.matches("[\\w.]+\\.\\w+\\.\\w+")) { // fully qualified Class.method lines
                String[] parts = s.split("\\.");
                classes.add(parts[parts.length - 2]);
            }
        }
        return new ArrayList<>(classes);
    }

    private boolean mainClassExists(String className) {
        String fqcn = className.contains(".") ? className : "dev.calx.benchmarks." + className;
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(fqcn.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Python and shell scripts in benchmarks/ (not names starting with '_'), plus Suite.EXTRA_PEER_SCRIPTS. */
    private List<Path> listPeerScripts() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("benchmarks"))) {
            List<Path> found = s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".py") || n.endsWith(".sh")) && !n.startsWith("_") && Files.isRegularFile(p);
            }).sorted(Comparator.comparing(Path::toString)).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            for (String extra : Suite.EXTRA_PEER_SCRIPTS) if (Files.isRegularFile(root.resolve(extra))) found.add(root.resolve(extra));
            return found;
        }
    }

    private boolean selected(String name) {
        return only == null || Pattern.compile(only).matcher(name).find();
    }

    private void jmhStep(String cls, Suite.Topic topic, boolean gpu) {
        String name = "jmh " + cls;
        if (!selected(cls)) return;
        var skip = Suite.skipReason(cls, profile, gpu);
        if (skip.isPresent()) {
            record(name, "jmh", topic, "skipped: " + skip.get(), 0, 0, "", "");
            return;
        }
        Path result = out.resolve("jmh").resolve(cls + ".json");
        List<String> cmd = new ArrayList<>(List.of(java(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "(^|\\.)" + cls + "\\.\\w+$",
                "-rf", "json", "-rff", result.toString(), "-jvmArgsPrepend", "-Dcalx.shared=" + shared));
        cmd.addAll(Suite.jmhOptions(cls, profile));
        Path log = out.resolve("logs").resolve(cls + ".log");
        execute(name, "jmh", topic, cmd, Map.of(), log);
        try {
            boolean noJson = !Files.exists(result) || Files.size(result) == 0;
            if (noJson && Files.exists(log)) {
                List<JmhRecord> salvaged = JmhLog.parse(Files.readString(log));
                if (!salvaged.isEmpty()) {
                    JmhLog.writeJson(salvaged, result);
                    replaceLastStatus(steps.getLast().status() + "; " + salvaged.size() + " results salvaged from the log");
                }
            }
        } catch (IOException e) {
            replaceLastStatus(steps.getLast().status() + "; salvaging the log failed: " + e.getMessage());
        }
    }

    private void peerStep(Path script, Suite.Topic topic) {
        String file = script.getFileName().toString();
        if (!selected(file)) return;
        if (Suite.NOT_PEERS.containsKey(file)) {
            record("peer " + file, "peer", topic, "skipped: " + Suite.NOT_PEERS.get(file), 0, 0, "", "");
            return;
        }
        if (profile == Suite.Profile.QUICK && Suite.QUICK_SKIP.containsKey(file)) {
            record("peer " + file, "peer", topic, "skipped in --quick: " + Suite.QUICK_SKIP.get(file), 0, 0, "", "");
            return;
        }
        List<Suite.PeerScript> runs = Suite.peerScripts(file);
        for (int i = 0; i < runs.size(); i++) {
            Suite.PeerScript ps = runs.get(i);
            List<String> args = expand(profile == Suite.Profile.QUICK ? ps.quickArgs() : ps.fullArgs());
            String name = "peer " + file + (args.isEmpty() ? "" : " " + args.getFirst());
            if (profile == Suite.Profile.QUICK && !ps.inQuick()) {
                record(name + " " + ps.env(), "peer", topic, "skipped: --full only (pairs with a class --quick skips)", 0, 0, "", "");
                continue;
            }
            if (ps.module() != null && file.endsWith(".py") && !canImport(ps.module())) {
                record(name, "peer", topic, "skipped: " + python + " cannot import " + ps.module() + "; install it: " + ps.install(), 0, 0, "", "");
                continue;
            }
            List<String> cmd = new ArrayList<>(file.endsWith(".py") ? List.of(python, script.toString()) : List.of("bash", script.toString()));
            cmd.addAll(args);
            // OpenBLAS must pick its own kernel (the environment here forces Haswell and a small L2):
            // unset for the peer's command only.
            Map<String, String> env = new LinkedHashMap<>();
            env.put("OPENBLAS_CORETYPE", null);
            env.put("OPENBLAS_L2_SIZE", null);
            env.put("CALX_SHARED", shared.toString());
            env.putAll(ps.env());
            if (Files.exists(Path.of(Suite.OPENBLAS_DIR, "libblas.so.3"))) {
                String ld = System.getenv("LD_LIBRARY_PATH");
                env.put("LD_LIBRARY_PATH", Suite.OPENBLAS_DIR + (ld == null || ld.isEmpty() ? "" : ":" + ld));
            }
            Path log = out.resolve("logs").resolve(file + (i == 0 ? "" : "." + i) + ".log");
            Path tmp = out.resolve("logs").resolve(file + (i == 0 ? "" : "." + i) + ".out.json");
            cmd.replaceAll(a -> a.replace("{tmp}", tmp.toString()));
            execute(name + (ps.env().isEmpty() ? "" : " " + ps.env()), "peer", topic, cmd, env, log);
            try {
                if (Files.exists(tmp)) Files.writeString(log, "\n" + Files.readString(tmp).strip() + "\n", java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                replaceLastStatus("failed: " + e.getMessage());
            }
            collect(log, file, ps.adapter(), "peers.jsonl");
        }
    }

    /** A Calx measurement that is a main class in the jar, not a JMH benchmark. */
    private void mainStep(Suite.MainStep m, Suite.Topic topic) {
        if (!selected(Suite.simpleName(m.className()))) return;
        List<String> cmd = new ArrayList<>(List.of(java(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dcalx.shared=" + shared, "-cp", jar.toString(),
                m.className().contains(".") ? m.className() : "dev.calx.benchmarks." + m.className()));
        cmd.addAll(expand(profile == Suite.Profile.QUICK ? m.quickArgs() : m.fullArgs()));
        String simple = Suite.simpleName(m.className());
        Path log = out.resolve("logs").resolve(simple + ".log");
        execute("main " + simple, "main", topic, cmd, Map.of(), log);
        collect(log, simple, m.adapter(), "calx.jsonl");
    }

    private List<String> expand(List<String> args) {
        return args.stream().map(a -> a.replace("{shared}", shared.toString())).toList();
    }

    /** Reads a finished step's results (contract lines, else the adapter) and appends them to a results file. */
    private void collect(Path log, String origin, java.util.function.Function<String, List<Result>> adapter, String into) {
        Step last = steps.getLast();
        if (!last.status().equals("ok") && !last.status().startsWith("timeout")) return;
        try {
            String text = Files.readString(log);
            List<Result> results = PeerOutput.parse(text, origin);
            if (results.isEmpty() && adapter != null) results = adapter.apply(text);
            if (results.isEmpty()) {
                replaceLastStatus("no results: printed no JSON-line contract output (docs/benchmarks.md)");
                return;
            }
            ObjectMapper json = new ObjectMapper();
            StringBuilder b = new StringBuilder();
            for (Result r : results) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("bench", r.bench());
                line.put("peer", r.source());
                line.put("value", r.value());
                line.put("unit", r.unit());
                line.put("params", r.params());
                line.put("threads", r.threads());
                line.put("origin", r.origin());
                b.append(json.writeValueAsString(line)).append('\n');
            }
            // --add: the previous run's lines of this origin give way to the new ones
            List<String> previous = previousLines.computeIfAbsent(into, k -> new ArrayList<>());
            String tag = "\"origin\":" + json.writeValueAsString(origin(results));
            previous.removeIf(l -> l.contains(tag));
            List<String> fresh = newLines.computeIfAbsent(into, k -> new ArrayList<>());
            fresh.addAll(b.toString().lines().toList());
            List<String> all = new ArrayList<>(previous);
            all.addAll(fresh);
            Files.write(out.resolve(into), all);
        } catch (IOException | IllegalArgumentException e) {
            replaceLastStatus("failed: " + e.getMessage());
        }
    }

    /** /proc/loadavg's 1, 5 and 15 minute averages, or "" off Linux. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String origin(List<Result> results) {
        return results.getFirst().origin();
    }

    private boolean canImport(String module) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs one command under the lock with the step's share of the budget. A stamp file written
     * once the lock is held separates waiting for other builds from measured time.
     */
    private void execute(String name, String kind, Suite.Topic topic, List<String> cmd, Map<String, String> env, Path log) {
        double remaining = budget - measured;
        if (remaining < 15) {
            record(name, kind, topic, "skipped: time budget of " + budget + " s spent", 0, 0, String.join(" ", cmd), "");
            return;
        }
        double limit = Math.min(profile.stepSeconds, remaining);
        System.out.printf("  %-45s ", name);
        System.out.flush();
        try {
            Path stamp = Files.createTempFile("calx-bench", ".stamp");
            Files.delete(stamp);
            List<String> full = new ArrayList<>();
            if (lock != null) {
                full.addAll(List.of("flock", lock, "sh", "-c", "date +%s%N > \"$0\"; exec \"$@\"", stamp.toString()));
            }
            full.addAll(cmd);
            ProcessBuilder pb = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            env.forEach((k, v) -> {
                if (v == null) pb.environment().remove(k);
                else pb.environment().put(k, v);
            });
            long launched = System.nanoTime();
            Process p = pb.start();
            long started = lock == null ? launched : -1;
            boolean timedOut = false;
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (started < 0 && Files.exists(stamp)) started = System.nanoTime();
                if (started >= 0 && (System.nanoTime() - started) / 1e9 > limit) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                    timedOut = true;
                    break;
                }
            }
            long end = System.nanoTime();
            if (started < 0) started = Files.exists(stamp) ? Math.min(end, launched + stampOffset(stamp, launched)) : end;
            Files.deleteIfExists(stamp);
            double secs = (end - started) / 1e9, wait = (started - launched) / 1e9;
            measured += secs;
            String status = timedOut ? String.format("timeout after %.0f s", limit)
                    : p.exitValue() == 0 ? "ok" : "failed: exit " + p.exitValue() + " (see " + root.relativize(log) + ")";
            if (kind.equals("jmh") && status.equals("ok") && Files.readString(log).contains("<failure>")) {
                status = "partial: some parameter combinations failed (see " + root.relativize(log) + ")";
            }
            record(name, kind, topic, status, secs, wait, String.join(" ", cmd), root.relativize(log).toString());
        } catch (IOException e) {
            record(name, kind, topic, "failed: " + e.getMessage(), 0, 0, String.join(" ", cmd), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Nanoseconds from launch to the lock being taken, from the stamp's epoch time (a short run may end before we saw it). */
    private static long stampOffset(Path stamp, long launched) {
        try {
            long epochNs = Long.parseLong(Files.readString(stamp).strip());
            long nowEpoch = System.currentTimeMillis() * 1_000_000L, now = System.nanoTime();
            return Math.max(0, epochNs - (nowEpoch - (now - launched)));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void record(String name, String kind, Suite.Topic topic, String status, double secs, double wait, String cmd, String log) {
        steps.add(new Step(name, kind, topic.id(), status, Math.round(secs * 10) / 10.0, Math.round(wait * 10) / 10.0, cmd, log));
        if (secs > 0 || wait > 0 || !status.startsWith("skipped")) {
            System.out.printf("%s, %.1f s (lock wait %.1f s)%n", status, secs, wait);
        } else {
            System.out.printf("  %-45s %s%n", name, status);
        }
    }

    private void replaceLastStatus(String status) {
        Step s = steps.removeLast();
        steps.add(new Step(s.name(), s.kind(), s.topic(), status, s.seconds(), s.lockWaitSeconds(), s.command(), s.log()));
        System.out.printf("    -> %s%n", status);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
