package dev.calx.decode.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of an evaluation output file: what was predicted for a problem, whether it was
 * right, and what it cost. Field names are snake_case in the file.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record EvalRecord(
        @JsonProperty("id") String id,
        @JsonProperty("line") int line,
        @JsonProperty("question") String question,
        @JsonProperty("prediction") String prediction,
        @JsonProperty("answer_source") String answerSource,
        @JsonProperty("answer") String answer,
        @JsonProperty("correct") boolean correct,
        @JsonProperty("grade_timeout") boolean gradeTimeout,
        @JsonProperty("parsed") boolean parsed,
        @JsonProperty("tool_calls") int toolCalls,
        @JsonProperty("tool_errors") int toolErrors,
        @JsonProperty("timeouts") int timeouts,
        @JsonProperty("hit_tool_limit") boolean hitToolLimit,
        @JsonProperty("stop") String stop,
        @JsonProperty("prefill_tokens") long prefillTokens,
        @JsonProperty("decode_tokens") long decodeTokens,
        @JsonProperty("ms") long ms,
        @JsonProperty("model_ms") long modelMs,
        @JsonProperty("exec_ms") long execMs,
        @JsonProperty("other_ms") long otherMs,
        @JsonProperty("output") String output) {}
