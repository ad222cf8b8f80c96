package dev.calx.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.calx.decode.eval.Utf8Lines;
import dev.calx.llama.format.StrictJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON Lines strictly: every non-blank line must be one JSON object; anything else stops
 * with the file and line. Field accessors name the field, the expected type and what was found.
 */
public final class Jsonl {
    private static final ObjectMapper JSON = StrictJson.mapper();

    private Jsonl() { }

    /**
     * One parsed line and where it came from.
     *
     * @param file the file, as given to {@link #read}
     * @param line the 1-based line number
     * @param node the line's JSON object
     */
    public record Row(String file, long line, JsonNode node) {
        /**
         * An error about this row, for the caller to throw.
         *
         * @param message what is wrong
         * @return an exception whose message starts with {@code file:line}
         */
        public DataFormatException error(String message) {
            return new DataFormatException(file, line, message);
        }

        /**
         * A required string field.
         *
         * @param field the field name
         * @return its text
         * @throws DataFormatException when it is missing, null or not a string
         */
        public String string(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) throw error("missing field \"" + field + "\"");
            if (!v.isTextual()) throw error("field \"" + field + "\" should be a string but is " + kind(v));
            return v.asText();
        }

        /**
         * A required array field.
         *
         * @param field the field name
         * @return the array node
         * @throws DataFormatException when it is missing, null or not an array
         */
        public JsonNode array(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) throw error("missing field \"" + field + "\"");
            if (!v.isArray()) throw error("field \"" + field + "\" should be an array but is " + kind(v));
            return v;
        }

        /**
         * Whether an optional field is there.
         *
         * @param field the field name
         * @return true when it is present and not JSON null
         */
        public boolean has(String field) {
            return node.hasNonNull(field);
        }
    }

    static String kind(JsonNode v) {
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Reads a whole file into memory.
     *
     * @param file a UTF-8 JSON Lines file
     * @return its non-blank lines, in order
     * @throws IOException when the file cannot be read
     * @throws DataFormatException when a non-blank line is not valid UTF-8 or not exactly one JSON object
     */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        String name = file.toString();
        try (Utf8Lines r = Utf8Lines.open(file)) {
            String line;
            while ((line = r.next()) != null) {
                long no = r.lineNumber();
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new DataFormatException(name, no, "bad JSON: " + StrictJson.reason(e));
                }
                if (n == null || !n.isObject()) {
                    throw new DataFormatException(name, no, "expected a JSON object but found " + (n == null ? "nothing" : kind(n)));
                }
                rows.add(new Row(name, no, n));
            }
        } catch (Utf8Lines.MalformedLineException e) {
            throw new DataFormatException(name, e.line(), e.reason());
        }
        return rows;
    }
}
