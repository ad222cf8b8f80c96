package dev.calx.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.eval.References;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.grade.MathGrader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Grades a JSONL file of model outputs, as {@code calx grade} does: each line holds a
 * {@code prediction} (a bare answer, or a whole solution whose answer is extracted from
 * \boxed{}, "The answer is", the last output block or the last number) and a {@code reference}
 * (a number, a LaTeX answer, a GSM8K answer with "####" or a MATH solution with \boxed{}).
 * Prints one verdict per line and the accuracy.
 * Argument: the JSONL file.
 */
public final class GradePredictions {
    private GradePredictions() {}

    /**
     * Runs the example.
     *
     * @param args the JSONL file
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: GradePredictions FILE.jsonl");
        ObjectMapper json = new ObjectMapper();
        MathGrader grader = new MathGrader(2000); // ms per comparison (symbolic equivalence can be slow)
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        int graded = 0, correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode row = json.readTree(lines.get(i));
            if (!row.hasNonNull("prediction") || !row.hasNonNull("reference")) {
                throw new IOException(args[0] + ":" + (i + 1) + ": needs the fields prediction and reference");
            }
            AnswerExtractor.Extraction answer = AnswerExtractor.extractPrediction(row.get("prediction").asText());
            String reference = References.answerOf(row.get("reference").asText());
            MathGrader.Verdict v = grader.grade(answer.answer(), reference);
            graded++;
            if (v.equal()) correct++;
            System.out.printf("line %d: %s (extracted \"%s\" from %s, reference \"%s\")%n", i + 1,
                    v.equal() ? "correct" : v.timedOut() ? "timeout" : "wrong", answer.answer(), answer.source(), reference);
        }
        System.out.printf("accuracy %d/%d%n", correct, graded);
    }
}
