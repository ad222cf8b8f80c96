package dev.calx.trainer.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.trainer.exec.CodeRunner;
import dev.calx.trainer.exec.ProcessCodeRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class SynthesizerTest {
    @TempDir Path tmp;

    @Test
    void sameSeedGivesIdenticalFilesAndOtherSeedDiffers() throws Exception {
        Synthesizer.write(Synthesizer.generate(300, 5), tmp.resolve("a"), 5, null);
        Synthesizer.write(Synthesizer.generate(300, 5), tmp.resolve("b"), 5, null);
        Synthesizer.write(Synthesizer.generate(300, 6), tmp.resolve("c"), 6, null);
        for (String f : List.of("stage1_cot_train.jsonl", "stage1_cot_test.jsonl", "stage2_code_UNEXECUTED_train.jsonl", "manifest.json")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
        assertFalse(Files.readString(tmp.resolve("a/stage1_cot_train.jsonl")).equals(Files.readString(tmp.resolve("c/stage1_cot_train.jsonl"))));
        // without a runner no stage-2 row claims an execution or carries an output block
        for (String line : Files.readAllLines(tmp.resolve("a/stage2_code_UNEXECUTED_train.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            assertFalse(n.get("executed").asBoolean());
            assertFalse(line.contains("```output"), line);
        }
        assertFalse(Files.exists(tmp.resolve("a/stage2_code_train.jsonl")));
    }

    @Test
    void aSecondRunLeavesNoFileOfTheFirstBehind() throws Exception {
        Path d = tmp.resolve("d");
        Synthesizer.write(Synthesizer.generate(300, 5), d, 5, null);
        assertTrue(Files.size(d.resolve("stage1_cot_val.jsonl")) > 0);
        // a stand-in for an earlier run's executed stage-2 files
        for (String split : Synthesizer.SPLITS) Files.writeString(d.resolve("stage2_code_" + split + ".jsonl"), "{}\n");
        // 3 problems: the val split gets none of them
        List<Problem> few = Synthesizer.generate(3, 6);
        assertTrue(few.stream().noneMatch(p -> Synthesizer.split(p).equals("val")), "the seed gives no val problem");
        Synthesizer.Report r = Synthesizer.write(few, d, 5, null);
        assertFalse(r.cotRows().containsKey("val"));
        assertEquals("", Files.readString(d.resolve("stage1_cot_val.jsonl")), "the old run's val rows are gone");
        assertEquals("", Files.readString(d.resolve("stage2_code_UNEXECUTED_val.jsonl")));
        for (String split : Synthesizer.SPLITS) assertFalse(Files.exists(d.resolve("stage2_code_" + split + ".jsonl")), split);
        long rows = 0;
        for (String split : Synthesizer.SPLITS) rows += Files.readAllLines(d.resolve("stage1_cot_" + split + ".jsonl")).size();
        assertEquals(few.size(), rows, "every row is one of this run's problems");
    }

    @Test
    void magnitudesAreAFixedUnmodifiableTable() {
        assertEquals(List.of("small", "medium", "large", "long", "xlarge"), List.copyOf(Synthesizer.MAGNITUDES.keySet()));
        assertEquals(List.of(1L, 10L, 1_000L, 1_000_000L, 1_000_000L), List.copyOf(Synthesizer.MAGNITUDES.values()));
        assertThrows(UnsupportedOperationException.class, () -> Synthesizer.MAGNITUDES.put("huge", 1_000_000_000L));
        assertThrows(UnsupportedOperationException.class, () -> Synthesizer.MAGNITUDES.remove("small"));
    }

    /** Pins the bytes a seed gives, so that refactoring the tables cannot change a data set silently. */
    @Test
    void seedFiveGivesThePinnedBytes() throws Exception {
        Synthesizer.write(Synthesizer.generate(300, 5), tmp.resolve("p"), 5, null);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (var s = Files.list(tmp.resolve("p"))) {
            files = s.sorted().toList();
        }
        StringBuilder got = new StringBuilder();
        for (Path f : files) {
            got.append(f.getFileName()).append(' ')
                    .append(java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(f)))).append('\n');
        }
        assertEquals(PINNED_SEED5, got.toString());
    }

    /** SHA-256 of each file of {@code generate(300, 5)}, recorded before MAGNITUDES became a fixed table. */
    private static final String PINNED_SEED5 = """
            manifest.json 6c86cfbdb04e433d60d6f0b57541b32a36e32649921ed243317a8e7437c95e4c
            stage1_cot_test.jsonl 4b7b999d7486edae494406ca601bbeaa3ac726501e0f87381d5159038b0c7d4f
            stage1_cot_train.jsonl 20f7ebc97c309e5f27a547f7bbe645fefd3b6d623326e7fb9b5f1c4645e9ba0d
            stage1_cot_val.jsonl 0fe7199cb5c1e82cc2ed381c2d40601cfc311078cbe6f2a0eb159bfe4b858c19
            stage2_code_UNEXECUTED_test.jsonl 4c3b507f38918b80b23a9e45e852a4b6171db897d87a4a0e12dda577d4be8545
            stage2_code_UNEXECUTED_train.jsonl 0d097f236255f0aa99cefa505d5aef0b74b40ea985b6a0838fafa9d5ff93b6b5
            stage2_code_UNEXECUTED_val.jsonl 1513f8a36f4e2004a9a6d5cd99cb95d6e42d7633bc4327614ff865175bbc0c8d
            """;

    private static final Pattern STEP = Pattern.compile("^.*: (-?\\d+) ([+\\-×÷]) (-?\\d+) = (-?\\d+)\\.$");
    private static final Pattern DIVMOD = Pattern.compile("^.*: (\\d+) ÷ (\\d+) = (\\d+) remainder (\\d+), so (\\d+)\\.$");
    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{(-?\\d+)}");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** Re-parses every arithmetic line of every forward CoT and recomputes it with BigInteger. */
    @Test
    void forwardCotArithmeticIsCorrectAndUsesTheQuestionsNumbers() {
        int checkedLines = 0;
        for (Problem p : Synthesizer.generate(1500, 11)) {
            if (p.backward()) continue;
            Set<String> known = new HashSet<>(List.of("2", "60", "100", "1000"));
            Matcher qm = NUMBER.matcher(p.question());
            while (qm.find()) known.add(qm.group());
            String[] lines = Solutions.cot(p).split("\n");
            BigInteger last = null;
            for (int i = 0; i < lines.length - 1; i++) {
                Matcher m = STEP.matcher(lines[i]), d = DIVMOD.matcher(lines[i]);
                if (m.matches()) {
                    BigInteger a = new BigInteger(m.group(1)), b = new BigInteger(m.group(3)), r = new BigInteger(m.group(4));
                    BigInteger want = switch (m.group(2)) {
                        case "+" -> a.add(b);
                        case "-" -> a.subtract(b);
                        case "×" -> a.multiply(b);
                        default -> {
                            assertEquals(BigInteger.ZERO, a.mod(b), "inexact division in " + lines[i]);
                            yield a.divide(b);
                        }
                    };
                    assertEquals(want, r, p.question() + "\n" + lines[i]);
                    assertTrue(known.contains(m.group(1)) && known.contains(m.group(3)), "operand from nowhere: " + lines[i] + " in " + p.question());
                    last = r;
                } else if (d.matches()) {
                    BigInteger a = new BigInteger(d.group(1)), b = new BigInteger(d.group(2)), q = new BigInteger(d.group(3)), r = new BigInteger(d.group(4));
                    assertEquals(a, b.multiply(q).add(r), lines[i]);
                    assertTrue(r.signum() >= 0 && r.compareTo(b) < 0, lines[i]);
                    assertTrue(d.group(5).equals(q.toString()) || d.group(5).equals(r.toString()), lines[i]);
                    last = new BigInteger(d.group(5));
                } else {
                    fail("unparsed CoT line: " + lines[i]);
                }
                known.add(last.toString());
                checkedLines++;
            }
            Matcher b = BOXED.matcher(lines[lines.length - 1]);
            assertTrue(b.find(), lines[lines.length - 1]);
            assertEquals(last.toString(), b.group(1));
            assertEquals(p.answer().toString(), b.group(1));
        }
        assertTrue(checkedLines > 2000, "checked " + checkedLines);
    }

    @Test
    void splitsNeverShareAProblemAndTestHasUnseenMagnitudes() {
        List<Problem> ps = Synthesizer.generate(3000, 3);
        Map<String, String> splitOf = new HashMap<>();
        Set<String> magnitudesInTrain = new HashSet<>(), magnitudesInTest = new HashSet<>();
        for (Problem p : ps) {
            String s = Synthesizer.split(p);
            String prev = splitOf.putIfAbsent(p.identity(), s);
            assertTrue(prev == null || prev.equals(s), p.identity() + " in " + prev + " and " + s);
            (s.equals("test") ? magnitudesInTest : magnitudesInTrain).add(p.magnitude());
        }
        assertTrue(magnitudesInTest.contains("xlarge"));
        assertFalse(magnitudesInTrain.contains("xlarge"));
        Map<String, Integer> c = Synthesizer.counts(ps);
        assertTrue(c.get("train") > 2400 && c.get("val") > 60 && c.get("test") > 200, c.toString());
        Set<String> kinds = new HashSet<>();
        for (Problem p : ps) kinds.add(p.template().id() + "/" + p.kind() + "/" + p.phrasing());
        assertTrue(kinds.size() >= 40, "template/direction/phrasing combinations: " + kinds.size());
    }

    @Test
    void longShareTrainsSevenToTwelveDigitsWhileXlargeStaysTestOnly() throws Exception {
        // share 0 is the two-argument draw, problem for problem
        assertEquals(Synthesizer.generate(400, 7).stream().map(Problem::question).toList(),
                Synthesizer.generate(400, 7, 0).stream().map(Problem::question).toList());
        List<Problem> ps = Synthesizer.generate(3000, 7, 0.4);
        Map<String, Integer> byTier = new HashMap<>();
        Set<String> trainOrVal = new HashSet<>();
        int longTrain = 0;
        for (Problem p : ps) {
            byTier.merge(p.magnitude(), 1, Integer::sum);
            String s = Synthesizer.split(p);
            if (p.magnitude().equals("xlarge")) assertEquals("test", s);
            if (p.magnitude().equals("long") && s.equals("train")) longTrain++;
            if (!s.equals("test")) trainOrVal.add(p.identity());
        }
        int longs = byTier.getOrDefault("long", 0);
        assertTrue(longs > 1050 && longs < 1350, "long problems of 3000 at share 0.4: " + byTier);
        assertTrue(longTrain > 900, "long train problems: " + longTrain);
        assertEquals(150, byTier.get("xlarge"));
        for (Problem p : ps) {
            if (p.magnitude().equals("xlarge")) assertFalse(trainOrVal.contains(p.identity()), p.identity());
        }
        // long numbers are as long as xlarge's: some given number of 7+ digits in most long problems
        int withSeven = 0;
        for (Problem p : ps) {
            if (p.magnitude().equals("long") && Pattern.compile("\\d{7,}").matcher(p.question()).find()) withSeven++;
        }
        assertTrue(withSeven > longs * 0.8, withSeven + " of " + longs);
        Synthesizer.write(ps, tmp.resolve("l"), 7, null);
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("l/manifest.json").toFile());
        assertEquals(longs, m.get("long_problems").asInt());
        assertThrows(IllegalArgumentException.class, () -> Synthesizer.generate(10, 1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Synthesizer.generate(10, 1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> Synthesizer.generate(10, 1, Double.NaN));
    }

    @Test
    void wrongExecutedAnswersAreDroppedAndCounted() throws Exception {
        List<Problem> ps = Synthesizer.generate(50, 9);
        CodeRunner liar = new CodeRunner() {
            int k;
            @Override public Result run(String code) {
                return k++ % 2 == 0 ? new Result("123456789123\n", null) : new Result("", "NameError: boom");
            }
            @Override public String describe() { return "test runner that is always wrong"; }
        };
        Synthesizer.Report r = Synthesizer.write(ps, tmp, 9, liar);
        assertEquals(ps.size(), r.dropped());
        assertEquals(ps.size(), r.dropReasons().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(r.codeRows().isEmpty());
        assertEquals(ps.get(0).id() + ": printed 123456789123", r.dropExamples().get("wrong answer"));
        assertEquals(ps.get(1).id() + ": NameError: boom", r.dropExamples().get("error"));
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile());
        assertEquals(ps.get(1).id() + ": NameError: boom", m.get("stage2_drop_examples").get("error").asText());
    }

    @Test
    void executedWithCPythonEveryProgramPrintsTheKnownAnswer() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.exists(py), "missing /usr/bin/python3");
        CodeRunner runner = new ProcessCodeRunner(py.toString(), 10);
        Assumptions.assumeTrue(runner.run("import sympy\nprint(1)").ok(), "sympy missing in /usr/bin/python3");
        List<Problem> ps = Synthesizer.generate(200, 21);
        Synthesizer.Report r = Synthesizer.write(ps, tmp, 21, runner);
        assertEquals(0, r.dropped(), r.dropReasons().toString());
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>(Files.readAllLines(tmp.resolve("stage2_code_train.jsonl")));
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            String sol = n.get("messages").get(1).get("content").asText();
            assertTrue(sol.contains("```python\n") && sol.contains("```output\n" + n.get("answer").asText() + "\n```"), sol);
            assertTrue(sol.endsWith("\\boxed{" + n.get("answer").asText() + "}$."), sol);
        }
    }
}
