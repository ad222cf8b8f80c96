package dev.calx.decode.format;

import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.generate.StopReason;
import dev.calx.decode.grade.AnswerExtractor;

/**
 * The outcome of solving one problem: the model side of the transcript (everything after the
 * prompt, tool output included), the extracted answer, and accounting.
 *
 * @param format        name of the format that solved it
 * @param transcript    everything after the prompt: model text, code and tool output (for
 *                      hybrid, the failed PoT attempt, a fallback note and the CoT attempt)
 * @param answer        the extracted final answer; empty when none was found
 * @param answerSource  how the answer was found
 * @param toolCalls     code executions
 * @param toolErrors    executions that raised an error (timeouts not included)
 * @param toolTimeouts  executions that hit the executor's time limit
 * @param hitToolLimit  the tool-call (or block) limit ended the loop
 * @param lastStop      why the last generated segment ended, or null when nothing was generated
 * @param stats         tokens and model time of the solve
 * @param executionNanos time spent in the executor, in nanoseconds
 */
public record Solution(
        String format,
        String transcript,
        String answer,
        AnswerExtractor.Source answerSource,
        int toolCalls,
        int toolErrors,
        int toolTimeouts,
        boolean hitToolLimit,
        StopReason lastStop,
        GenerationStats stats,
        long executionNanos) {}
