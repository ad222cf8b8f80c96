package dev.calx.decode.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProblemReaderTest {
    @TempDir
    Path dir;

    private Problem one(String json) throws IOException {
        Path f = dir.resolve("one.jsonl");
        Files.writeString(f, json + "\n");
        return new ProblemReader(null, null).read(f).getFirst();
    }

    @Test
    void detectsGsm8kMathSvampAndMathCoderRows() throws IOException {
        Problem g = one("{\"question\":\"Q?\",\"answer\":\"x <<1+1=2>>2\\n#### 1,234\"}");
        assertEquals("Q?", g.question());
        assertEquals("1234", g.reference());
        assertEquals("line-1", g.id());

        Problem m = one("{\"problem\":\"P\",\"solution\":\"so $\\\\boxed{\\\\frac{1}{2}}$\",\"level\":\"Level 1\"}");
        assertEquals("\\frac{1}{2}", m.reference());

        Problem m500 = one("{\"problem\":\"P\",\"solution\":\"\\\\boxed{3}\",\"answer\":\"3\",\"unique_id\":\"test/x.json\"}");
        assertEquals("3", m500.reference());
        assertEquals("test/x.json", m500.id());

        Problem sv = one("{\"ID\":\"chal-1\",\"Body\":\"Jack had 8 pens.\",\"Question\":\"How many now?\",\"Answer\":5.0}");
        assertEquals("Jack had 8 pens. How many now?", sv.question());
        assertEquals("5", sv.reference());
        assertEquals("chal-1", sv.id());

        Problem asdiv = one("{\"Body\":\"B\",\"Question\":\"Q\",\"Answer\":\"9 (apples)\"}");
        assertEquals("9", asdiv.reference());
        assertEquals("2.5", References.answerOf("2.5 (kg)"));
        assertEquals("6", References.answerOf("6 (cm^2)"));
        assertEquals("2", References.answerOf("2 (m)"));
        // MATH's factored answers are not a number with a unit
        assertEquals("7(x+3) (x-3)", References.answerOf("7(x+3) (x-3)"));
        assertEquals("-3(x+2)(x-1)", References.answerOf("-3(x+2)(x-1)"));
        assertEquals("3(x)", References.answerOf("3(x)"));
        assertEquals("4 (x+1)", References.answerOf("4 (x+1)"));

        Problem mc = one("{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"content\":\"\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"content\":\"What is 2+2?\"}]}],"
                + "\"ground_truth\":{\"solution\":\"...\",\"answer\":\"4\"}}");
        assertEquals("What is 2+2?", mc.question());
        assertEquals("4", mc.reference());
    }

    @Test
    void explicitDottedFieldsWinAndMissingFieldsNameFileAndLine() throws IOException {
        Path f = dir.resolve("x.jsonl");
        Files.write(f, List.of("{\"q\":{\"text\":\"Q1\"},\"a\":7}", "", "{\"q\":{\"text\":\"Q2\"}}"));
        var e = assertThrows(IOException.class, () -> new ProblemReader("q.text", "a").read(f));
        assertTrue(e.getMessage().contains("x.jsonl:3") && e.getMessage().contains("'a'"), e.getMessage());
        Files.write(f, List.of("{\"q\":{\"text\":\"Q1\"},\"a\":7}"));
        Problem p = new ProblemReader("q.text", "a").read(f).getFirst();
        assertEquals("Q1", p.question());
        assertEquals("7", p.reference());
        Files.write(f, List.of("{\"q\":1", "{}"));
        var bad = assertThrows(IOException.class, () -> new ProblemReader(null, null).read(f));
        assertTrue(bad.getMessage().contains("x.jsonl:1") && bad.getMessage().contains("not valid JSON"), bad.getMessage());
        // two objects on one line were read as the first, and the second problem was never solved
        Files.write(f, List.of("{\"question\":\"Q1\",\"answer\":1}", "{\"question\":\"Q2\",\"answer\":2} {\"question\":\"Q3\",\"answer\":3}"));
        var two = assertThrows(IOException.class, () -> new ProblemReader(null, null).read(f));
        assertEquals(f + ":2: not valid JSON: text after the end of the JSON value", two.getMessage());
    }

    @Test
    void emptyQuestionsAndReferencesWithNoAnswerAreErrorsNamingLineAndField() throws IOException {
        // each of these was solved and graded against "" or a whole solution text
        String[][] cases = {
                {"{\"question\":\"  \",\"answer\":\"5\"}", "the question is empty"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"answer\":\"5\"}", "the question is empty"},
                {"{\"question\":\"Q\",\"answer\":\"\"}", "the reference in 'answer' is empty"},
                {"{\"question\":\"Q\",\"answer\":\"2+3 = 5\\n#### \"}", "the reference in 'answer' has nothing after its last ####"},
                {"{\"problem\":\"P\",\"solution\":\"so $\\\\boxed{\\\\frac{1}{2}$\"}", "the reference in 'solution' has a last \\boxed"},
                {"{\"problem\":\"P\",\"solution\":\"so $\\\\boxed{}$\"}", "the reference in 'solution' has an empty answer"},
                {"{\"question\":\"Q\",\"answer\":[5]}", "field 'answer' is an array, not text or a number"},
                {"{\"question\":{\"text\":\"Q\"},\"answer\":5}", "field 'question' is an object, not text or a number"},
        };
        Path f = dir.resolve("bad.jsonl");
        for (String[] c : cases) {
            Files.write(f, List.of("{\"question\":\"Q\",\"answer\":\"1\"}", c[0]));
            var e = assertThrows(IOException.class, () -> new ProblemReader(null, null).read(f), c[0]);
            assertTrue(e.getMessage().contains("bad.jsonl:2: " + c[1]), e.getMessage());
        }
        Files.write(f, List.of("{\"q\":\"Q\",\"a\":\"\"}"));
        var e = assertThrows(IOException.class, () -> new ProblemReader("q", "a").read(f));
        assertTrue(e.getMessage().contains("bad.jsonl:1: the reference in 'a' is empty"), e.getMessage());
        // an id that is not a plain value is not an error: the line stands in for it
        assertEquals("line-1", one("{\"id\":{\"n\":1},\"question\":\"Q\",\"answer\":\"1\"}").id());
        assertEquals("7", one("{\"idx\":7,\"question\":\"Q\",\"answer\":\"1\"}").id());
    }

    @Test
    void numericReferencesAreWrittenOutInFull() throws IOException {
        assertEquals("150000000000000000000", one("{\"question\":\"Q\",\"answer\":1.5e20}").reference());
        assertEquals("123456789012345678901234567890", one("{\"question\":\"Q\",\"answer\":123456789012345678901234567890}").reference());
        assertEquals("2.5", one("{\"question\":\"Q\",\"answer\":2.50}").reference());
        assertEquals("0.0000001", one("{\"question\":\"Q\",\"answer\":1e-7}").reference());
        assertEquals("-3", one("{\"question\":\"Q\",\"answer\":-3.0}").reference());
        assertEquals("0", one("{\"question\":\"Q\",\"answer\":-0.0}").reference());
    }

    @Test
    void aByteOrderMarkIsReadAndMalformedUtf8NamesTheLine() throws IOException {
        Path f = dir.resolve("win.jsonl");
        Files.writeString(f, "\uFEFF{\"question\":\"Q \u00f7 2\",\"answer\":\"1\"}\r\n{\"question\":\"R\",\"answer\":\"2\"}\r\n");
        List<Problem> ps = new ProblemReader(null, null).read(f);
        assertEquals("Q \u00f7 2", ps.get(0).question());
        assertEquals(2, ps.get(1).line());
        Files.write(f, ("{\"question\":\"R\",\"answer\":\"2\"}\n{\"" + (char) 0 + "\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] b = Files.readAllBytes(f);
        b[b.length - 4] = (byte) 0xFF;
        Files.write(f, b);
        var e = assertThrows(IOException.class, () -> new ProblemReader(null, null).read(f));
        assertTrue(e.getMessage().contains("win.jsonl:2: not valid UTF-8 (byte 0xFF at byte 3"), e.getMessage());
    }

    @Test
    void readsTheSharedDataSets() throws IOException {
        Path shared = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data");
        Path gsm = shared.resolve("gsm8k/test.jsonl"), math = shared.resolve("math/math500.jsonl"), full = shared.resolve("math/test5000.jsonl");
        Assumptions.assumeTrue(Files.exists(gsm), "missing " + gsm);
        Assumptions.assumeTrue(Files.exists(math), "missing " + math);
        List<Problem> g = new ProblemReader(null, null).read(gsm);
        assertEquals(1319, g.size());
        assertEquals("18", g.getFirst().reference());
        List<Problem> m = new ProblemReader(null, null).read(math);
        assertEquals(500, m.size());
        assertTrue(m.stream().noneMatch(p -> p.reference().isBlank()));
        if (Files.exists(full)) {
            List<Problem> t = new ProblemReader(null, null).read(full);
            assertEquals(5000, t.size());
            assertTrue(t.stream().noneMatch(p -> p.reference().isBlank() || p.reference().contains("boxed")));
        }
    }
}
