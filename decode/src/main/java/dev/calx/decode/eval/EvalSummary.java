package dev.calx.decode.eval;

import java.util.List;

/**
 * Totals of an evaluation: accuracy, problems with a tool timeout, empty answers (nothing
 * extracted), unparsed answers (extracted, but neither a number nor an expression the grader
 * reads), throughput, and where the time went (model, Python, everything else).
 */
public record EvalSummary(int problems, int correct, int toolTimeouts, int emptyAnswers, int unparsedAnswers,
                          int toolCalls, long decodeTokens, long prefillTokens, int solvedThisRun, double wallSeconds,
                          double modelSeconds, double execSeconds) {
    public double accuracy() {
        return problems == 0 ? 0 : correct / (double) problems;
    }

    public double problemsPerMinute() {
        return wallSeconds == 0 ? 0 : solvedThisRun * 60 / wallSeconds;
    }

    /** Totals over all records (resumed ones included); throughput over the solvedThisRun solved now. */
    public static EvalSummary of(List<EvalRecord> records, int solvedThisRun, double wallSeconds) {
        int correct = 0, timeouts = 0, empty = 0, unparsed = 0, calls = 0;
        long dec = 0, pre = 0, modelMs = 0, execMs = 0;
        for (EvalRecord r : records) {
            if (r.correct()) correct++;
            if (r.timeouts() > 0) timeouts++;
            if (r.prediction() == null || r.prediction().isBlank()) empty++;
            else if (!r.parsed()) unparsed++;
            calls += r.toolCalls();
            dec += r.decodeTokens();
            pre += r.prefillTokens();
            modelMs += r.modelMs();
            execMs += r.execMs();
        }
        return new EvalSummary(records.size(), correct, timeouts, empty, unparsed, calls, dec, pre, solvedThisRun, wallSeconds,
                modelMs / 1e3, execMs / 1e3);
    }

    /** Human-readable lines. Model and Python times are summed over concurrent sequences. */
    public List<String> lines() {
        return List.of(
                String.format("accuracy %.2f%% (%d/%d)", 100 * accuracy(), correct, problems),
                String.format("tool calls %d (%.2f per problem), problems with a tool timeout %d", toolCalls,
                        problems == 0 ? 0 : toolCalls / (double) problems, toolTimeouts),
                String.format("empty answers %d, unparsed answers %d", emptyAnswers, unparsedAnswers),
                String.format("%.1f problems/min (%d solved in this run, wall %.1f s); model %.1f s, python %.1f s; tokens: %d prefill, %d decode",
                        problemsPerMinute(), solvedThisRun, wallSeconds, modelSeconds, execSeconds, prefillTokens, decodeTokens));
    }
}
