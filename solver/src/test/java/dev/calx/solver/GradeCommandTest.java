package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    @RegisterExtension
    final Std std = new Std();

    @Test
    void gradesSolutionsAndBareAnswersAgainstAllReferenceKindsAndWritesLinesInOrder() throws IOException {
        Path data = dir.resolve("preds.jsonl");
        Files.write(data, List.of(
                "{\"prediction\":\"We get $\\\\boxed{\\\\frac12}$.\",\"answer\":\"0.5\"}",
                "{\"prediction\":\"So she makes 18 dollars. The answer is 18.\",\"answer\":\"16 - 3 - 4 = <<16-3-4=9>>9\\n#### 18\"}",
                "",
                "{\"prediction\":\"\\\\frac{1}{2}\",\"answer\":\"\\\\dfrac{1}{2}\"}",
                "{\"prediction\":\"It costs 41 dollars in total\",\"answer\":42}",
                "{\"prediction\":\"```python\\nprint(3)\\n```\\n```output\\n3\\n```\\nDone\",\"answer\":\"Thus $x=\\\\boxed{3}$.\"}",
                "{\"debug_result\":[{\"role\":\"text\",\"content\":\"so \\\\boxed{7}\"}],\"ground_truth\":{\"answer\":\"7\"}}",
                "{\"prediction\":\"no idea\",\"answer\":\"5\"}"));
        Path out = dir.resolve("graded.jsonl");
        assertEquals(0, Main.run("grade", "--data", data.toString(), "--out", out.toString()), std.err());
        assertTrue(std.out().contains("accuracy 71.43% (5/7)"), std.out());
        assertTrue(std.out().contains("empty predictions 1"), std.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(7, lines.size(), "one line per input record, blank lines skipped");
        JsonNode[] r = lines.stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).toArray(JsonNode[]::new);
        assertEquals("\\frac12", r[0].get("extracted").asText());
        // the normalized reference: 0.5 stays 0.5 (MATH's strip_string turns it into \frac{1}{2};
        // the grader compares numbers by value, docs/decode.md, session 25)
        assertEquals("0.5", r[0].get("reference").asText());
        assertTrue(r[0].get("correct").asBoolean());
        assertEquals("18", r[1].get("extracted").asText());
        assertEquals("18", r[1].get("reference").asText());
        assertEquals(4, r[2].get("line").asInt(), "line numbers are input line numbers");
        assertEquals("as_is", r[2].get("source").asText());
        assertFalse(r[3].get("correct").asBoolean());
        assertEquals("41", r[3].get("extracted").asText());
        assertEquals("3", r[4].get("extracted").asText());
        assertEquals("output_block", r[4].get("source").asText());
        assertTrue(r[4].get("correct").asBoolean());
        assertTrue(r[5].get("correct").asBoolean());
        assertEquals("", r[6].get("extracted").asText());
        assertFalse(r[6].get("correct").asBoolean());
    }

    @Test
    void explicitFieldsAndErrorsNamingFileAndLine() throws IOException {
        Path data = dir.resolve("x.jsonl");
        Files.write(data, List.of("{\"gen\":\"\\\\boxed{2}\",\"ref\":\"2\"}", "{\"gen\":\"\\\\boxed{2}\"}"));
        assertEquals(1, Main.run("grade", "--data", data.toString(), "--prediction-field", "gen", "--reference-field", "ref"));
        assertTrue(std.err().contains("x.jsonl:2") && std.err().contains("'ref'"), std.err());

        Files.write(data, List.of("{\"gen\":\"\\\\boxed{2}\",\"ref\":\"2\"}"));
        Path out = dir.resolve("o.jsonl");
        assertEquals(0, Main.run("grade", "--data", data.toString(), "--prediction-field", "gen", "--reference-field", "ref", "--out", out.toString()));
        assertTrue(std.out().contains("accuracy 100.00% (1/1)"), std.out());

        Files.write(data, List.of("{oops"));
        assertEquals(1, Main.run("grade", "--data", data.toString()));
        assertTrue(std.err().contains("x.jsonl:1: not valid JSON"), std.err());
        // a limit of 0 ms made every comparison a "grader timeout": accuracy 0%
        std.reset();
        assertEquals(1, Main.run("grade", "--data", data.toString(), "--timeout-ms", "0"));
        assertEquals("calx: --timeout-ms must be 1 or more, got 0", std.err().strip());
    }

    @Test
    void largeNumericReferencesBomAndMalformedUtf8() throws IOException {
        Path data = dir.resolve("n.jsonl");
        Files.writeString(data, "\uFEFF{\"prediction\":\"The answer is 150000000000000000000\",\"answer\":1.5e20}\n"
                + "{\"prediction\":\"The answer is 3\",\"answer\":3.0}\n");
        Path out = dir.resolve("n.out");
        assertEquals(0, Main.run("grade", "--data", data.toString(), "--out", out.toString()), std.err());
        assertTrue(std.out().contains("accuracy 100.00% (2/2)"), std.out());
        assertEquals("150000000000000000000", JSON.readTree(Files.readAllLines(out).getFirst()).get("reference").asText());

        byte[] b = Files.readAllBytes(data);
        b[b.length - 3] = (byte) 0xFE; // the "}" of line 2
        Files.write(data, b);
        Files.delete(out);
        assertEquals(1, Main.run("grade", "--data", data.toString(), "--out", out.toString()));
        assertTrue(std.err().contains("n.jsonl:2: not valid UTF-8 (byte 0xFE"), std.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void referencesWithNoAnswerAreErrorsNamingLineAndFieldAndNothingIsWritten() throws IOException {
        // each of these graded every prediction against "" or a whole solution, with exit code 0
        String[][] cases = {
                {"{\"prediction\":\"5\",\"answer\":\"\"}", "the reference in 'answer' is empty"},
                {"{\"prediction\":\"5\",\"answer\":\"so 2+3 = 5\\n#### \"}", "the reference in 'answer' has nothing after its last ####"},
                {"{\"prediction\":\"5\",\"solution\":\"so $\\\\boxed{5$\"}", "the reference in 'solution' has a last \\boxed or \\fbox"},
                {"{\"prediction\":\"5\",\"ref\":\"\\\\boxed{}\"}", "the reference in 'ref' has an empty answer"},
        };
        Path data = dir.resolve("r.jsonl"), out = dir.resolve("sub/r.out");
        for (String[] c : cases) {
            Files.write(data, List.of("{\"prediction\":\"1\",\"answer\":\"1\",\"ref\":\"1\"}", c[0]));
            std.reset();
            String[] args = c[0].contains("\"ref\"")
                    ? new String[]{"grade", "--data", data.toString(), "--reference-field", "ref", "--out", out.toString()}
                    : new String[]{"grade", "--data", data.toString(), "--out", out.toString()};
            assertEquals(1, Main.run(args), c[0]);
            assertTrue(std.err().contains("r.jsonl:2: " + c[1]), std.err());
        }
        assertFalse(Files.exists(out), "nothing written");
        try (var left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.toList(), "no temporary file left");
        }
        Files.write(data, List.of("[\"5\"]"));
        assertEquals(1, Main.run("grade", "--data", data.toString()));
        assertTrue(std.err().contains("r.jsonl:1: expected a JSON object, found ARRAY"), std.err());
        Files.write(data, List.of("{\"prediction\":\"1\",\"answer\":\"1\"}"));
        assertEquals(1, Main.run("grade", "--data", data.toString(), "--out", dir.toString()));
        assertTrue(std.err().contains("--out " + dir + " is a directory"), std.err());
        // the grades had replaced the predictions they were made from
        std.reset();
        assertEquals(1, Main.run("grade", "--data", data.toString(), "--out", data.getParent().resolve(".").resolve(data.getFileName()).toString()));
        assertTrue(std.err().contains("is the --data file; the grades would replace the predictions"), std.err());
        assertEquals(List.of("{\"prediction\":\"1\",\"answer\":\"1\"}"), Files.readAllLines(data));
    }

    @Test
    void solveWithAMissingModelPathFailsNamingThePath() {
        // Without --model this build uses the embedded model (DefaultModelTest); a wrong path must
        // be an error that names it, not a silent fall-back to the default model.
        String missing = "/nonexistent/calx-model-" + System.nanoTime();
        int rc = Main.run("solve", "--model", missing, "What is 1+1?");
        assertTrue(rc != 0, "exit code " + rc);
        assertTrue(std.err().contains(missing), std.err());
    }
    @Test
    void aMissingDataFileIsNamedAndSaidToBeMissing() {
        String missing = "/nonexistent/calx-data-" + System.nanoTime() + ".jsonl";
        assertEquals(1, Main.run("grade", "--data", missing));
        assertTrue(std.err().contains("calx: " + missing + ": no such file or directory"), std.err());
    }
}
