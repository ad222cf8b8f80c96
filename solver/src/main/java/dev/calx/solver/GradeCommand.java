package dev.calx.solver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.decode.eval.References;
import dev.calx.decode.eval.Utf8Lines;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.grade.AnswerNormalizer;
import dev.calx.decode.grade.MathGrader;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.TempFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code calx grade}: grades existing model outputs. The prediction may be a whole solution
 * (its answer is extracted) or a bare answer; the reference a number, an answer, a GSM8K answer
 * with "####" or a MATH solution with \boxed{}.
 */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = "Grade model outputs in a JSONL file against references and print the accuracy.")
public final class GradeCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public GradeCommand() { }

    private static final ObjectMapper JSON = StrictJson.mapper();
    static final String[] PREDICTION_FIELDS = {"prediction", "pred", "model_output", "output", "completion", "response",
            "generation", "debug_result"};
    static final String[] REFERENCE_FIELDS = {"reference", "answer", "gt", "ground_truth.answer", "Answer", "target", "solution"};

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "Model outputs, one JSON object per line.")
    Path data;

    @Option(names = "--prediction-field", paramLabel = "F",
            description = "Field (dotted path) with the prediction (default: the first of prediction, pred, model_output, output, completion, response, generation, debug_result).")
    String predictionField;

    @Option(names = "--reference-field", paramLabel = "F",
            description = "Field (dotted path) with the reference (default: the first of reference, answer, gt, ground_truth.answer, Answer, target, solution).")
    String referenceField;

    @Option(names = "--out", paramLabel = "FILE", description = "Write one JSON line per input record, in order: line, extracted, source, reference, correct, grade_timeout.")
    Path out;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "Time limit of one comparison (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Override
    public Integer call() throws IOException {
        // 0 or less made every comparison a timeout: accuracy 0% with no other word
        if (timeoutMs < 1) throw new IllegalArgumentException("--timeout-ms must be 1 or more, got " + timeoutMs);
        MathGrader grader = new MathGrader(timeoutMs);
        int n = 0, correct = 0, empty = 0, timeouts = 0;
        Path tmp = null;
        if (out != null) {
            if (Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a directory; give a file to write");
            if (Files.exists(out) && Files.exists(data) && Files.isSameFile(out, data)) {
                // the grades had replaced the predictions they were made from
                throw new IllegalArgumentException("--out " + out + " is the --data file; the grades would replace the predictions: give another file");
            }
            TempFiles.createParentDirectories(out);
            tmp = TempFiles.createBeside(out);
        }
        try (Utf8Lines in = Utf8Lines.open(data);
             BufferedWriter w = tmp == null ? null : Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.next()) != null) {
                int lineNo = (int) in.lineNumber();
                if (line.isBlank()) continue;
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IOException(data + ":" + lineNo + ": not valid JSON: " + StrictJson.reason(e));
                }
                if (!row.isObject()) throw new IOException(data + ":" + lineNo + ": expected a JSON object, found " + row.getNodeType());
                String prediction = field(row, predictionField, PREDICTION_FIELDS, "prediction", lineNo, new String[1]);
                String[] from = new String[1];
                String stored = field(row, referenceField, REFERENCE_FIELDS, "reference", lineNo, from);
                String wrong = References.problemWith(stored);
                // an empty or unclosed reference would grade every prediction against "" or a whole solution
                if (wrong != null) throw new IOException(data + ":" + lineNo + ": the reference in '" + from[0] + "' " + wrong);
                String reference = References.answerOf(stored);
                AnswerExtractor.Extraction e = AnswerExtractor.extractPrediction(prediction);
                MathGrader.Verdict v = grader.grade(e.answer(), reference);
                n++;
                if (v.equal()) correct++;
                if (!e.found() || e.answer().isBlank()) empty++;
                if (v.timedOut()) timeouts++;
                if (w != null) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("line", lineNo);
                    o.put("extracted", e.answer());
                    o.put("source", e.source().name().toLowerCase(java.util.Locale.ROOT));
                    o.put("reference", AnswerNormalizer.normalize(reference));
                    o.put("correct", v.equal());
                    o.put("grade_timeout", v.timedOut());
                    w.write(JSON.writeValueAsString(o));
                    w.write('\n');
                }
            }
        } catch (IOException | RuntimeException e) {
            if (tmp != null) Files.deleteIfExists(tmp);
            throw e;
        }
        if (tmp != null) {
            try {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        System.out.printf("accuracy %.2f%% (%d/%d); empty predictions %d; grader timeouts %d%n",
                n == 0 ? 0.0 : 100.0 * correct / n, correct, n, empty, timeouts);
        return 0;
    }

    /** The text of the explicit field or of the first candidate present; {@code from[0]} is set to its name. */
    private String field(JsonNode row, String explicit, String[] candidates, String what, int lineNo, String[] from) throws IOException {
        if (explicit != null) {
            String v = text(row, explicit);
            if (v == null) throw new IOException(data + ":" + lineNo + ": no " + what + " field '" + explicit + "'");
            from[0] = explicit;
            return v;
        }
        for (String c : candidates) {
            String v = text(row, c);
            from[0] = c;
            if (v != null) return v;
        }
        throw new IOException(data + ":" + lineNo + ": no " + what + " field (looked for " + String.join(", ", candidates)
                + "; use --" + what + "-field)");
    }

    /** Text at a dotted path; an array of MathCoder blocks ({role, content}) is joined. */
    static String text(JsonNode row, String path) {
        JsonNode n = row;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) return null;
            n = n.get(part);
        }
        if (n == null || n.isNull()) return null;
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode b : n) sb.append(b.isObject() ? b.path("content").asText() : b.asText()).append('\n');
            return sb.toString();
        }
        if (n.isObject()) return null;
        if (n.isNumber()) return References.numberText(n);
        return n.asText();
    }
}
