package dev.calx.decode.format;

import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.generate.StopReason;
import dev.calx.decode.grade.AnswerExtractor;

/**
 * The outcome of solving one problem: the model side of the transcript (everything after the
 * prompt, tool output included), the extracted answer, and accounting.
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
