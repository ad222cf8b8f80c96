package dev.calx.decode.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of an evaluation output file: what was predicted for a problem, whether it was
 * right, and what it cost. Field names are snake_case in the file; null fields are left out.
 *
 * @param id           the problem's id
 * @param line         1-based line of the problem in its data file
 * @param question     the question text
 * @param prediction   the extracted answer (empty when nothing was extracted)
 * @param answerSource how the answer was found, the lower-case name of an
 *                     {@link dev.calx.decode.grade.AnswerExtractor.Source} ({@code "boxed"}, ...)
 * @param answer       the reference answer graded against
 * @param correct      the grader found the prediction equal to the reference
 * @param gradeTimeout the grader's time limit ran out (graded incorrect)
 * @param parsed       the grader could read the prediction as a number or expression
 * @param toolCalls    code cells executed
 * @param toolErrors   cells that raised an error (timeouts not included)
 * @param timeouts     cells that hit the executor's time limit
 * @param hitToolLimit the tool-call limit ended the solve
 * @param stop         lower-case {@link dev.calx.decode.generate.StopReason} of the last segment,
 *                     or null when nothing was generated
 * @param prefillTokens tokens run through the model as prompt and tool output
 * @param decodeTokens tokens sampled and appended
 * @param ms           wall-clock time of the solve and grading, in milliseconds
 * @param modelMs      model forward time (prefill plus decode), in milliseconds
 * @param execMs       time in the executor, in milliseconds
 * @param otherMs      {@code ms - modelMs - execMs}, at least 0 (sampling, waiting for a
 *                     batched step, grading)
 * @param output       the whole transcript when the harness keeps outputs, else null
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
