package dev.calx.decode.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.calx.llama.format.StrictJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads evaluation problems from JSONL. Fields are detected per row unless given: questions in
 * {@code question}, {@code problem}, {@code instruction}, {@code query}, SVAMP/ASDiv
 * {@code Body}+{@code Question}, or MathCoder {@code messages} (the user turn); references in
 * {@code answer} (GSM8K "####" lines included), {@code Answer}, {@code solution} (MATH),
 * {@code ground_truth.answer} (MathCoder), {@code gt}, {@code target}. Field names may be dotted
 * paths. Errors name the file and line.
 */
public final class ProblemReader {
    private static final ObjectMapper JSON = StrictJson.mapper();
    private static final String[] QUESTION_FIELDS = {"question", "problem", "instruction", "query", "input"};
    private static final String[] ANSWER_FIELDS = {"answer", "Answer", "ground_truth.answer", "gt", "target", "solution", "output"};
    private static final String[] ID_FIELDS = {"id", "idx", "unique_id", "ID", "task_id"};

    private final String questionField, answerField;

    /**
     * A reader that takes the question and the reference from the given fields, or detects them
     * per row.
     *
     * @param questionField dotted path of the question field, or null to detect it
     * @param answerField   dotted path of the reference field, or null to detect it
     */
    public ProblemReader(String questionField, String answerField) {
        this.questionField = questionField;
        this.answerField = answerField;
    }

    /**
     * Reads every non-blank line of a JSONL file (UTF-8) as one problem, in file order.
     *
     * @param file the data set
     * @return the problems, references already turned into answers ({@link References#answerOf})
     * @throws IOException when the file cannot be read, or a line (named as file:line) is not a
     *         JSON object or lacks a question or answer field
     */
    public List<Problem> read(Path file) throws IOException {
        List<Problem> out = new ArrayList<>();
        try (Utf8Lines r = Utf8Lines.open(file)) {
            String line;
            while ((line = r.next()) != null) {
                int n = (int) r.lineNumber();
                if (line.isBlank()) continue;
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IOException(file + ":" + n + ": not valid JSON: " + StrictJson.reason(e));
                }
                if (!row.isObject()) throw new IOException(file + ":" + n + ": expected a JSON object, found " + row.getNodeType());
                out.add(problem(row, file, n));
            }
        }
        return out;
    }

    Problem problem(JsonNode row, Path file, int line) throws IOException {
        String where = file + ":" + line + ": ";
        String question = questionField != null ? text(row, questionField, where) : detectQuestion(row, where);
        if (question == null) {
            throw new IOException(where + "no question field " + (questionField != null ? "'" + questionField + "'"
                    : "(looked for question, problem, instruction, query, input, Body+Question, messages; use --question-field)")
                    + "; fields: " + fieldNames(row));
        }
        if (question.isBlank()) throw new IOException(where + "the question is empty");
        String reference = null, from = answerField;
        if (answerField != null) reference = text(row, answerField, where);
        else for (String f : ANSWER_FIELDS) if ((reference = text(row, from = f, where)) != null) break;
        if (reference == null) {
            throw new IOException(where + "no answer field " + (answerField != null ? "'" + answerField + "'"
                    : "(looked for answer, Answer, ground_truth.answer, gt, target, solution, output; use --answer-field)")
                    + "; fields: " + fieldNames(row));
        }
        String wrong = References.problemWith(reference);
        if (wrong != null) throw new IOException(where + "the reference in '" + from + "' " + wrong);
        String id = null;
        for (String f : ID_FIELDS) {
            JsonNode n = row.get(f);
            if (n != null && n.isValueNode() && !n.isNull()) {
                id = n.isNumber() ? References.numberText(n) : n.asText();
                break;
            }
        }
        if (id == null) id = "line-" + line;
        return new Problem(id, question, References.answerOf(reference), line);
    }

    private static String detectQuestion(JsonNode row, String where) throws IOException {
        for (String f : QUESTION_FIELDS) {
            String q = text(row, f, where);
            if (q != null) return q;
        }
        String body = text(row, "Body", where), q = text(row, "Question", where);
        if (q != null) return body == null ? q : (body.strip() + " " + q.strip());
        JsonNode messages = row.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                if (!"user".equals(m.path("role").asText())) continue;
                JsonNode content = m.get("content");
                if (content == null) continue;
                if (content.isTextual()) return content.asText();
                if (content.isArray()) {
                    StringBuilder sb = new StringBuilder();
                    for (JsonNode c : content) if (c.has("content")) sb.append(c.get("content").asText());
                    return sb.toString();
                }
            }
        }
        return null;
    }

    /**
     * The text at a dotted path; numbers become their text; null when absent or null. An array or
     * object there is an error (it is no question or answer, and skipping it would take another
     * field's text without a word).
     */
    static String text(JsonNode row, String path, String where) throws IOException {
        JsonNode n = row;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) return null;
            n = n.get(part);
        }
        if (n == null || n.isNull()) return null;
        if (n.isContainerNode()) {
            throw new IOException(where + "field '" + path + "' is " + (n.isArray() ? "an array" : "an object")
                    + ", not text or a number");
        }
        return n.isNumber() ? References.numberText(n) : n.asText();
    }

    private static List<String> fieldNames(JsonNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
