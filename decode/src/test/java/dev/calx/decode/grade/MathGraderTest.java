package dev.calx.decode.grade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MathGraderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MathGrader grader = new MathGrader();

    static Path shared(String rel) {
        return Path.of(System.getProperty("calx.shared", "../../shared")).resolve(rel);
    }

    private static List<String[]> pairs(String resource) throws IOException {
        return rows(resource, 2);
    }

    /** The tab-separated rows of a resource, each with this many columns (# lines are comments). */
    private static List<String[]> rows(String resource, int columns) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = MathGraderTest.class.getResourceAsStream(resource);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split("\t");
                assertEquals(columns, cols.length, "bad line in " + resource + ": " + line);
                out.add(cols);
            }
        }
        return out;
    }

    @Test
    void trickyEquivalentPairsGradeEqualBothWays() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String[] p : pairs("/grade/equivalent_pairs.tsv")) {
            if (!grader.isEquivalent(p[0], p[1])) failures.add(p[0] + "  vs  " + p[1]);
            if (!grader.isEquivalent(p[1], p[0])) failures.add(p[1] + "  vs  " + p[0] + " (swapped)");
        }
        assertTrue(failures.isEmpty(), "should be equal:\n" + String.join("\n", failures));
    }

    @Test
    void nearMissPairsGradeUnequalBothWays() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String[] p : pairs("/grade/unequal_pairs.tsv")) {
            if (grader.isEquivalent(p[0], p[1])) failures.add(p[0] + "  vs  " + p[1]);
            if (grader.isEquivalent(p[1], p[0])) failures.add(p[1] + "  vs  " + p[0] + " (swapped)");
        }
        assertTrue(failures.isEmpty(), "should be unequal:\n" + String.join("\n", failures));
    }

    /**
     * MATH's complex answers against what a program prints for them (Python's repr, SymPy's
     * str), and near misses (real or imaginary part off by one, the conjugate): made by SymPy,
     * tools/complex_answer_pairs.py.
     */
    @Test
    void complexAnswersAgainstPythonAndSympyOutput() throws IOException {
        List<String> failures = new ArrayList<>();
        int equal = 0, unequal = 0;
        for (String[] c : rows("/grade/complex_answers.tsv", 3)) {
            boolean want = c[0].equals("equal");
            if (want) equal++;
            else unequal++;
            if (grader.isEquivalent(c[1], c[2]) != want) failures.add(c[0] + ": " + c[1] + "  vs  " + c[2]);
        }
        assertTrue(equal >= 70 && unequal >= 100, "complex_answers.tsv: " + equal + " equal and " + unequal + " unequal rows");
        assertTrue(failures.isEmpty(), failures.size() + " wrong:\n" + String.join("\n", failures));
    }

    /**
     * What a program prints for MATH's sets, relations, lists, matrices, vectors and equations
     * (SymPy's str; tools/sympy_printed_pairs.py) against the answers: all equal (a union
     * whose irrational bounds SymPy lists in the other order among them).
     */
    @Test
    void programPrintedSetsMatricesAndEquationsGradeEqual() throws IOException {
        List<String> misses = new ArrayList<>();
        List<String[]> rows = rows("/grade/program_printed.tsv", 3);
        for (String[] c : rows) if (!grader.isEquivalent(c[1], c[2])) misses.add(c[1] + "  vs  " + c[2]);
        assertTrue(rows.size() >= 500, "program_printed.tsv: " + rows.size() + " rows");
        assertEquals(List.of(), misses, "should grade equal");
    }

    @Test
    void emptyPredictionIsNeverCorrect() {
        assertFalse(grader.isEquivalent("", "0"));
        assertFalse(grader.isEquivalent("  ", ""));
    }

    @Test
    void capitalExponentNumbersGradeWithoutThrowing() {
        // "1E5" matches the plain-number pattern; the integer path once took it for an integer
        assertTrue(grader.isEquivalent("1E5", "100000"));
        assertTrue(grader.isEquivalent("100000", "1E5"));
        assertTrue(grader.isEquivalent("+1E+5", "1e5"));
        assertTrue(grader.isEquivalent("2.5E-1", "0.25"));
        assertFalse(grader.isEquivalent("1E5", "100100")); // an exponent means the relative 1e-4, as "1e5" always did
        assertFalse(grader.grade("1E5", "7").equal());
    }

    @Test
    void oddPredictionsNeverMakeTheGraderThrow() {
        MathGrader quick = new MathGrader(200);
        String[] odd = {"1E5", "-1E-5", "+1E+5", "1E", "E5", "1e99999", "-1E99999", "1E-99999", ".E1", "1.E1", "0E0",
                "9".repeat(400), "9".repeat(400) + "E2", "1/0", "0/0", "\\frac{1}{0}", "\\frac{0}{0}", "\\frac{", "}{", "\\",
                "{", "}", "(", ")", "((((((", "]", "[1,2)", "(1,", ",", ",,", "=", "==", "x==", "a=b=c", "\\pm", "1\\pm",
                "\\sqrt", "\\sqrt{}", "\\sqrt{-1}", "\\log 0", "0^{-1}", "x^{-1}", "10^{10^{10}}", "\\infty", "-\\infty",
                "e", "E", "i", "\\begin{pmatrix}\\end{pmatrix}", "\\begin{pmatrix}1&\\\\&2\\end{pmatrix}", "\\cup",
                "[1,2]\\cup", "\\{\\}", "\\boxed{}", "$", "%", "\\text{}", "\\u0000", "\u0000", "\uFFFF", "1,000,000E3",
                "(A)", "(F)", "x", "xyz^{xyz}", "\\frac{x}{x-x}", "\\sin", "\\sin(", "2^{0.5}", "-0", "+-1", "--1"};
        String[] refs = {"100000", "1E5", "0", "1", "x", "(1,2)", "\\frac{1}{2}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", "[1,2)", "x=1"};
        List<String> thrown = new ArrayList<>();
        for (String p : odd) {
            for (String r : refs) {
                for (String[] pair : new String[][] {{p, r}, {r, p}, {p, p}}) {
                    try {
                        quick.grade(pair[0], pair[1]);
                        quick.parses(pair[0]);
                    } catch (RuntimeException e) {
                        thrown.add(pair[0] + "  vs  " + pair[1] + ": " + e);
                    }
                }
            }
        }
        assertTrue(thrown.isEmpty(), thrown.size() + " comparisons threw:\n" + String.join("\n", thrown));
    }

    @Test
    void hugePowersHitTheTimeLimitOrFinishWithoutHanging() {
        MathGrader quick = new MathGrader(200);
        long t0 = System.nanoTime();
        MathGrader.Verdict v = quick.grade("x^{999999999}+x^{99999}", "x^{999999999}+x^{99998}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(v.equal());
        assertTrue(ms < 5000, "took " + ms + " ms");
    }

    @Test
    void math500LastBoxedOfSolutionGradesEqualToAnswer() throws IOException {
        Path file = shared("data/math/math500.jsonl");
        Assumptions.assumeTrue(Files.exists(file), "missing " + file);
        int rows = 0, ok = 0;
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode row = JSON.readTree(line);
            rows++;
            String boxed = AnswerExtractor.lastBoxed(row.get("solution").asText());
            String answer = row.get("answer").asText();
            if (boxed != null && grader.isEquivalent(boxed, answer)) ok++;
            else failures.add(boxed + "  vs  " + answer);
        }
        double rate = ok / (double) rows;
        System.out.printf("math500: %d/%d = %.2f%% last boxed of solution graded equal to answer%n", ok, rows, 100 * rate);
        failures.forEach(f -> System.out.println("  failure: " + f));
        assertEquals(500, rows);
        assertTrue(rate >= 0.99, "rate " + rate + " failures: " + failures);
    }

    @Test
    void math500AnswerDoesNotGradeEqualToTheNextRowsAnswer() throws IOException {
        // Guards against a grader that says "equal" too easily: neighbouring answers mostly differ.
        Path file = shared("data/math/math500.jsonl");
        Assumptions.assumeTrue(Files.exists(file), "missing " + file);
        List<String> answers = new ArrayList<>();
        for (String line : Files.readAllLines(file)) if (!line.isBlank()) answers.add(JSON.readTree(line).get("answer").asText());
        int equal = 0, distinctStrings = 0;
        for (int i = 0; i + 1 < answers.size(); i++) {
            String a = answers.get(i), b = answers.get(i + 1);
            if (AnswerNormalizer.normalize(a).equals(AnswerNormalizer.normalize(b))) continue;
            distinctStrings++;
            if (grader.isEquivalent(a, b)) {
                equal++;
                System.out.println("  neighbours graded equal: " + a + "  vs  " + b);
            }
        }
        assertTrue(equal <= 2, equal + " of " + distinctStrings + " different neighbouring answers graded equal");
    }

    @Test
    void math500AnswersWithTheirLastDigitChangedGradeUnequal() throws IOException {
        // A false-positive check on real answers: 1.25 -> 1.26, \frac{3}{56} -> \frac{3}{57}, x^2+1 -> x^2+2.
        Path file = shared("data/math/math500.jsonl");
        Assumptions.assumeTrue(Files.exists(file), "missing " + file);
        int tried = 0;
        List<String> equal = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            String answer = JSON.readTree(line).get("answer").asText();
            int i = -1;
            for (int k = answer.length() - 1; k >= 0; k--) if (Character.isDigit(answer.charAt(k))) { i = k; break; }
            if (i < 0) continue;
            char d = answer.charAt(i);
            String changed = answer.substring(0, i) + (char) ('0' + (d - '0' + 1) % 10) + answer.substring(i + 1);
            tried++;
            if (grader.isEquivalent(changed, answer)) equal.add(changed + "  vs  " + answer);
        }
        System.out.println("math500 last-digit perturbations graded equal: " + equal.size() + " of " + tried);
        equal.forEach(e -> System.out.println("  " + e));
        assertTrue(tried > 400, "tried " + tried);
        assertTrue(equal.size() <= tried / 100, equal.toString());
    }

    @Test
    void gsm8kReferencesGradeEqualToThemselvesWrittenDifferently() throws IOException {
        Path file = shared("data/gsm8k/test.jsonl");
        Assumptions.assumeTrue(Files.exists(file), "missing " + file);
        int rows = 0;
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            String ref = AnswerExtractor.gsm8kReference(JSON.readTree(line).get("answer").asText());
            rows++;
            long n = Long.parseLong(ref);
            String withCommas = String.format("%,d", n);
            String[] variants = {withCommas, n + ".00", "\\$" + withCommas, "\\boxed{" + n + "}", n + " dollars", "The answer is " + withCommas + "."};
            for (String v : variants) {
                String pred = AnswerExtractor.extract(v).answer();
                if (!grader.isEquivalent(pred, ref)) failures.add(v + " vs " + ref);
            }
            if (grader.isEquivalent(String.valueOf(n + 1), ref)) failures.add((n + 1) + " graded equal to " + ref);
        }
        assertEquals(1319, rows);
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.subList(0, Math.min(10, failures.size())));
    }
}
