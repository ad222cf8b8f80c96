package dev.calx.trainer.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.trainer.exec.CodeRunner;
import dev.calx.trainer.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates a data set of word problems from a seed (same seed, same bytes): picks a template,
 * a magnitude, numbers, a phrasing and a direction (forward, or backward hiding one given
 * number), and assigns the split from a hash of the problem's identity, so that two phrasings
 * or directions of the same numbers never land in different splits. The test split also gets
 * problems at a magnitude never used for training ("xlarge"), unless a share of the main draw
 * is asked for at that magnitude ("long": the same factor as xlarge, split by identity like the
 * other trained tiers; an xlarge test problem never shares an identity with a long train or
 * val problem of the same set).
 */
public final class Synthesizer {
    /**
     * Magnitude tiers: name and the factor applied to the scalable ranges, unmodifiable, iterated
     * smallest first: small 1, medium 10, large 1000, long 1000000 (trained only when asked for,
     * see {@link #generate(int, long, double)}), xlarge 1000000 (the test-only tier).
     */
    public static final Map<String, Long> MAGNITUDES = magnitudes();
    static final double BACKWARD_RATE = 0.3;

    private static Map<String, Long> magnitudes() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("small", 1L);
        m.put("medium", 10L);
        m.put("large", 1_000L);
        m.put("long", 1_000_000L);
        m.put("xlarge", 1_000_000L);
        return java.util.Collections.unmodifiableMap(m);
    }

    private Synthesizer() { }

    /**
     * Draws {@code n} problems for train/val/test plus {@code n/20} (at least 1) xlarge test problems.
     * Duplicates are redrawn within an attempt budget, so the result can fall short when the
     * templates cannot give that many distinct problems.
     *
     * @param n    the number of small, medium and large problems wanted
     * @param seed the seed; the same seed gives the same problems
     * @return the problems in draw order, the xlarge ones last
     */
    public static List<Problem> generate(int n, long seed) {
        return generate(n, seed, 0);
    }

    /**
     * Like {@link #generate(int, long)}, with a share of the {@code n} main problems drawn at the
     * xlarge factor as the {@code long} tier (7-12 digit numbers), which is split by identity
     * like small, medium and large, so it trains; the rest keep the 40/35/25% mix. With share 0
     * the result is exactly {@code generate(n, seed)}'s.
     *
     * @param n         the number of small, medium, large and long problems wanted
     * @param seed      the seed; the same seed and share give the same problems
     * @param longShare the fraction of the main draw at the long tier, from 0 to 1 (exclusive)
     * @return the problems in draw order, the xlarge ones last
     * @throws IllegalArgumentException when the share is outside [0, 1)
     */
    public static List<Problem> generate(int n, long seed, double longShare) {
        if (!(longShare >= 0 && longShare < 1)) {
            throw new IllegalArgumentException("long share must be in [0, 1), got " + longShare);
        }
        Rng rng = new Rng(seed);
        List<Problem> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> trainOrVal = new HashSet<>();
        int attempts = 0;
        while (out.size() < n && attempts++ < n * 20 + 100) {
            double u = rng.uniform();
            // a quarter large, so that long numbers are copied often enough to be learned;
            // with share 0, v == u exactly and the draw sequence is the one without the option
            double v = (u - longShare) / (1 - longShare);
            String mag = u < longShare ? "long" : v < 0.4 ? "small" : v < 0.75 ? "medium" : "large";
            Problem p = draw(rng, mag, out.size());
            if (p == null || !seen.add(p.identity() + "|" + p.hidden())) continue;
            out.add(p);
            if (!split(p).equals("test")) trainOrVal.add(p.identity());
        }
        int extra = Math.max(1, n / 20), got = 0;
        attempts = 0;
        while (got < extra && attempts++ < extra * 20 + 100) {
            Problem p = draw(rng, "xlarge", out.size());
            if (p == null || trainOrVal.contains(p.identity()) || !seen.add(p.identity() + "|" + p.hidden())) continue;
            out.add(p);
            got++;
        }
        return out;
    }

    private static Problem draw(Rng rng, String mag, int index) {
        Template t = rng.pick(Templates.ALL);
        Map<String, Rational> given = null;
        for (int i = 0; i < 50 && given == null; i++) {
            given = t.sample(rng, MAGNITUDES.get(mag));
            if (given != null && t.evaluate(given, null) == null) given = null;
        }
        if (given == null) return null;
        Map<String, String> fillers = new LinkedHashMap<>();
        String name = rng.pick(Templates.NAMES), name2;
        do name2 = rng.pick(Templates.NAMES); while (name2.equals(name));
        String item = rng.pick(Templates.ITEMS), item2;
        do item2 = rng.pick(Templates.ITEMS); while (item2.equals(item));
        fillers.put("name", name);
        fillers.put("name2", name2);
        fillers.put("item", item);
        fillers.put("item2", item2);
        fillers.put("fruit", rng.pick(Templates.FRUITS));
        int phrasing = (int) rng.range(0, t.phrasings().size() - 1);
        Rational forward = t.evaluate(given, null).get(t.answerName()).b();
        List<String> hideable = t.hideable(given);
        String hidden = !hideable.isEmpty() && rng.uniform() < BACKWARD_RATE ? rng.pick(hideable) : null;
        String q = Solutions.fill(t.phrasings().get(phrasing), fillers);
        for (Template.Var v : t.vars()) {
            String shown = v.name().equals(hidden) ? "x" : given.get(v.name()).toString();
            q = q.replace("{" + v.name() + "}", t.formatVar(v.name(), shown));
        }
        Rational answer = forward;
        if (hidden != null) {
            q += " If we know the answer to the above question is " + forward + ", what is the value of unknown variable x?";
            answer = given.get(hidden);
        }
        String id = t.id() + "-" + mag + "-" + index;
        return new Problem(id, t, given, fillers, phrasing, hidden, mag, q, answer, forward);
    }

    /** The splits {@link #split} assigns, in the order the files are written. */
    public static final List<String> SPLITS = List.of("train", "val", "test");

    /**
     * train, val or test, from the identity (xlarge problems are always test).
     *
     * @param p the problem
     * @return {@code train} (90% of identities), {@code val} (5%) or {@code test} (5%, plus every xlarge problem)
     */
    public static String split(Problem p) {
        if (p.magnitude().equals("xlarge")) return "test";
        int bucket = Math.floorMod(hash(p.identity()), 100);
        return bucket < 5 ? "val" : bucket < 10 ? "test" : "train";
    }

    private static int hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What {@link #write} produced.
     *
     * @param cotRows     stage-1 rows written, by split
     * @param codeRows    stage-2 rows written, by split
     * @param dropped     stage-2 rows left out because their execution failed or printed another answer
     * @param dropReasons those rows by reason ({@code error}, {@code unparsable output}, {@code wrong answer})
     * @param dropExamples the first dropped row of each reason: its id and what the program
     *                    printed or raised (e.g. {@code ModuleNotFoundError: No module named
     *                    'sympy'} when the interpreter lacks SymPy)
     * @param executed    whether the programs were run
     */
    public record Report(Map<String, Integer> cotRows, Map<String, Integer> codeRows, int dropped,
                         Map<String, Integer> dropReasons, Map<String, String> dropExamples, boolean executed) { }

    /** "ID: what went wrong" for a dropped row: the error, or the end of what it printed. */
    static String dropExample(String id, CodeRunner.Result r) {
        String what = r.error() != null ? r.error() : "printed " + tail(r.stdout().strip(), 200);
        return id + ": " + tail(what, 300);
    }

    private static String tail(String s, int max) {
        String one = s.replace("\n", "\\n");
        return one.length() <= max ? one : "..." + one.substring(one.length() - max);
    }

    /**
     * Writes the data set under {@code dir}. With a runner, stage-2 rows carry output blocks from
     * real executions and rows whose printed answer is not the known answer are dropped; without
     * one, stage-2 programs go to {@code stage2_code_UNEXECUTED_*.jsonl} with no output block.
     * Stage-1 rows go to {@code stage1_cot_<split>.jsonl}, and a {@code manifest.json} records the counts.
     * Each of {@link #SPLITS} gets both files, empty when no problem fell into it (a small
     * {@code problems}); the other kind of stage-2 file ({@code stage2_code_*} without a runner,
     * {@code stage2_code_UNEXECUTED_*} with one) is deleted, so the directory holds one run's data.
     *
     * @param problems the problems (e.g. from {@link #generate})
     * @param dir      the output directory (created when needed); existing files of the same names are replaced
     * @param seed     the seed recorded in the manifest
     * @param runner   runs the stage-2 programs, or null to write them unexecuted
     * @return what was written
     * @throws IOException when a file cannot be written
     */
    public static Report write(List<Problem> problems, Path dir, long seed, CodeRunner runner) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, StringBuilder> cot = new TreeMap<>(), code = new TreeMap<>();
        Map<String, Integer> cotRows = new TreeMap<>(), codeRows = new TreeMap<>(), drops = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        List<CodeRunner.Result> results = null;
        if (runner != null) {
            List<String> programs = problems.stream().map(Solutions::program).toList();
            results = new ArrayList<>();
            for (int i = 0; i < programs.size(); i += 500) {
                results.addAll(runner.runAll(programs.subList(i, Math.min(programs.size(), i + 500))));
            }
        }
        int dropped = 0;
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            String split = split(p);
            ObjectNode row = base(json, p, split);
            row.set("messages", messages(json, p.question(), Solutions.cot(p)));
            cot.computeIfAbsent(split, k -> new StringBuilder()).append(json.writeValueAsString(row)).append('\n');
            cotRows.merge(split, 1, Integer::sum);
            ObjectNode crow = base(json, p, split);
            if (results != null) {
                CodeRunner.Result r = results.get(i);
                String reason = check(r, p.answer());
                if (reason != null) {
                    dropped++;
                    drops.merge(reason, 1, Integer::sum);
                    examples.putIfAbsent(reason, dropExample(p.id(), r));
                    continue;
                }
                crow.put("executed", true);
                crow.put("executor", runner.describe());
                crow.set("messages", messages(json, p.question(), Solutions.codeNested(p, r.stdout())));
            } else {
                crow.put("executed", false);
                crow.put("intro", Solutions.codeIntro(p));
                crow.put("program", Solutions.program(p));
                crow.put("outro", Solutions.codeOutro(p));
            }
            code.computeIfAbsent(split, k -> new StringBuilder()).append(json.writeValueAsString(crow)).append('\n');
            codeRows.merge(split, 1, Integer::sum);
        }
        // Every split gets its files, empty when no problem fell into it, and the other kind of
        // stage-2 file goes: a directory written before with another --n or executor kept the old
        // run's val file, or its executed stage-2 files beside this run's UNEXECUTED ones.
        String codeName = runner != null ? "stage2_code_" : "stage2_code_UNEXECUTED_";
        String otherName = runner != null ? "stage2_code_UNEXECUTED_" : "stage2_code_";
        for (String split : SPLITS) {
            AtomicFiles.writeString(dir.resolve("stage1_cot_" + split + ".jsonl"), cot.getOrDefault(split, new StringBuilder()).toString());
            AtomicFiles.writeString(dir.resolve(codeName + split + ".jsonl"), code.getOrDefault(split, new StringBuilder()).toString());
            java.nio.file.Files.deleteIfExists(dir.resolve(otherName + split + ".jsonl"));
        }
        ObjectNode manifest = json.createObjectNode();
        manifest.put("generator", "calx data synth");
        manifest.put("seed", seed);
        manifest.put("problems", problems.size());
        long longProblems = problems.stream().filter(p -> p.magnitude().equals("long")).count();
        if (longProblems > 0) manifest.put("long_problems", longProblems); // absent at share 0: same bytes as before
        manifest.put("executed", runner != null);
        manifest.put("executor", runner == null ? "none: stage-2 programs were NOT run and carry no output blocks" : runner.describe());
        manifest.set("stage1_rows", json.valueToTree(cotRows));
        manifest.set("stage2_rows", json.valueToTree(codeRows));
        manifest.put("stage2_dropped", dropped);
        manifest.set("stage2_drop_reasons", json.valueToTree(drops));
        if (!examples.isEmpty()) manifest.set("stage2_drop_examples", json.valueToTree(examples)); // absent without drops: same bytes as before
        Map<String, Integer> perTemplate = new TreeMap<>();
        for (Problem p : problems) perTemplate.merge(p.template().id() + "/" + p.kind(), 1, Integer::sum);
        manifest.set("per_template", json.valueToTree(perTemplate));
        AtomicFiles.writeString(dir.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        return new Report(cotRows, codeRows, dropped, drops, examples, runner != null);
    }

    /** Null when the execution printed the known answer as its last line, else why not. */
    static String check(CodeRunner.Result r, Rational expected) {
        if (!r.ok()) return "error";
        String[] lines = r.stdout().strip().split("\n");
        Rational got = Rational.parse(lines[lines.length - 1]);
        if (got == null) return "unparsable output";
        return got.compareTo(expected) == 0 ? null : "wrong answer";
    }

    private static ObjectNode base(ObjectMapper json, Problem p, String split) {
        ObjectNode row = json.createObjectNode();
        row.put("id", p.id());
        row.put("split", split);
        row.put("template", p.template().id());
        row.put("kind", p.kind());
        row.put("magnitude", p.magnitude());
        row.put("question", p.question());
        row.put("answer", p.answer().toString());
        return row;
    }

    static com.fasterxml.jackson.databind.node.ArrayNode messages(ObjectMapper json, String user, String assistant) {
        var arr = json.createArrayNode();
        arr.addObject().put("role", "user").put("content", user);
        arr.addObject().put("role", "assistant").put("content", assistant);
        return arr;
    }

    static Map<String, Integer> counts(List<Problem> ps) {
        Map<String, Integer> m = new HashMap<>();
        for (Problem p : ps) m.merge(split(p), 1, Integer::sum);
        return m;
    }
}
