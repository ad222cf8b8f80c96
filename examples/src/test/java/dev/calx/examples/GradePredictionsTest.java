package dev.calx.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradePredictionsTest {
    @TempDir Path tmp;

    @Test
    void equivalentAnswersInDifferentFormsAreCorrectAndAWrongOneIsNot() throws Exception {
        Path f = tmp.resolve("preds.jsonl");
        Files.write(f, List.of(
                "{\"prediction\": \"Half of it, so the answer is \\\\boxed{\\\\frac{1}{2}}.\", \"reference\": \"0.5\"}",
                "{\"prediction\": \"She has 36 - 7 = 29 left. The answer is 29.\", \"reference\": \"3 * 12 = 36\\n#### 29\"}",
                "",
                "{\"prediction\": \"```output\\n12\\n```\\nSo he has 12.\", \"reference\": \"13\"}",
                "{\"prediction\": \"Expanding, \\\\boxed{x^2+2x+1}\", \"reference\": \"so it is $\\\\boxed{(x+1)^2}$\"}"));
        String out = Stdout.of(() -> GradePredictions.main(new String[]{f.toString()}));
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("line 1: correct"), out);
        assertTrue(lines.get(1).startsWith("line 2: correct"), out);
        assertTrue(lines.get(2).startsWith("line 4: wrong"), out);
        assertTrue(lines.get(3).startsWith("line 5: correct"), out);
        assertEquals("accuracy 3/4", lines.get(4));
    }

    @Test
    void aLineWithoutAReferenceIsAnErrorNamingTheLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.write(f, List.of("{\"prediction\": \"1\", \"reference\": \"1\"}", "{\"prediction\": \"2\"}"));
        IOException e = assertThrows(IOException.class, () -> GradePredictions.main(new String[]{f.toString()}));
        assertTrue(e.getMessage().contains("bad.jsonl:2:"), e.getMessage());
    }
}
