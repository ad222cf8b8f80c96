package dev.calx.llama.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON read the way Python's {@code json.loads} reads it in one respect Jackson does not by
 * default: text after the value is an error ("Extra data"), not silently ignored. Without this a
 * JSON-lines row {@code {"text": "a"} {"text": "b"}} gave one row and lost the other, and a
 * config.json with a stray object after it loaded as if the object were not there. Every reader
 * of user files in Calx (checkpoint parts, tokenizer.json, JSON-lines inputs, configs, resume
 * state) parses with {@link #mapper()} and words Jackson's errors with {@link #reason}.
 */
public final class StrictJson {
    private StrictJson() { }

    /**
     * A new mapper that refuses trailing tokens after the root value (whitespace is fine).
     *
     * @return the mapper, to be kept in a static field by the caller
     */
    public static ObjectMapper mapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * Jackson's reason for refusing the text, without its own switch names.
     *
     * @param e the parse error
     * @return e's message without location and without the advice to enable Jackson's
     *         coercions, or "text after the end of the JSON value"
     */
    public static String reason(JsonProcessingException e) {
        String why = e.getOriginalMessage();
        if (why == null) return "";
        if (why.startsWith("Trailing token")) return "text after the end of the JSON value";
        return why.replace(" (but might if coercion using `CoercionConfig` was enabled)", "");
    }
}
