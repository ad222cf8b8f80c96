package dev.calx.decode.eval;

import dev.calx.decode.generate.WallClockSplit;

import java.util.List;

/**
 * Totals of an evaluation: accuracy, problems with a tool timeout, empty answers (nothing
 * extracted), unparsed answers (extracted, but neither a number nor an expression the grader
 * reads), throughput, and where this run's wall time went: model forward, Python execution,
 * Python's start-up and everything else (a partition of the wall time, see {@link
 * WallClockSplit}; with several problems in flight, Python that runs while the model does counts
 * as model time). modelSeconds and execSeconds are the per-problem times summed over all records
 * (they overlap in a batch; execSeconds leaves out Python's start-up).
 *
 * @param problems           records in the output, resumed ones included
 * @param correct            records graded correct
 * @param toolTimeouts       problems with at least one tool timeout
 * @param emptyAnswers       problems where no answer was extracted
 * @param unparsedAnswers    problems whose non-empty answer the grader cannot parse
 * @param toolCalls          code cells run over all problems
 * @param decodeTokens       sampled tokens over all problems
 * @param prefillTokens      prefilled tokens (prompts and tool output) over all problems
 * @param solvedThisRun      problems solved in this run (not resumed)
 * @param wallSeconds        wall time of this run
 * @param modelSeconds       per-problem model time summed over all records
 * @param execSeconds        per-problem executor time summed over all records
 * @param forwardWallSeconds wall time of this run during which a model forward ran
 * @param pythonWallSeconds  wall time during which Python ran and no forward did
 * @param otherWallSeconds   the rest of the wall time
 * @param meanBatch          mean number of sequences per batched decode step
 * @param pythonStartupSeconds wall time during which Python was being started and neither a
 *                           forward nor a cell ran (0 when no code ran)
 */
public record EvalSummary(int problems, int correct, int toolTimeouts, int emptyAnswers, int unparsedAnswers,
                          int toolCalls, long decodeTokens, long prefillTokens, int solvedThisRun, double wallSeconds,
                          double modelSeconds, double execSeconds,
                          double forwardWallSeconds, double pythonWallSeconds, double pythonStartupSeconds, double otherWallSeconds,
                          double meanBatch) {
    /** {@return the fraction of problems graded correct, in [0, 1] (0 when there are none)} */
    public double accuracy() {
        return problems == 0 ? 0 : correct / (double) problems;
    }

    /** {@return problems solved in this run per minute of this run's wall time (0 before any time passed)} */
    public double problemsPerMinute() {
        return wallSeconds == 0 ? 0 : solvedThisRun * 60 / wallSeconds;
    }

    /**
     * Totals over all records (resumed ones included); throughput and the time split over the
     * solvedThisRun solved now; meanBatch: sequences per batched step.
     *
     * @param records       every record of the output file, resumed and new
     * @param solvedThisRun how many of them this run solved
     * @param split         this run's wall time split into model, Python and other
     * @param meanBatch     mean sequences per batched step ({@link dev.calx.decode.generate.StepBatcher#meanBatch()})
     * @return the summary
     */
    public static EvalSummary of(List<EvalRecord> records, int solvedThisRun, WallClockSplit.Totals split, double meanBatch) {
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
        return new EvalSummary(records.size(), correct, timeouts, empty, unparsed, calls, dec, pre, solvedThisRun,
                split.wallSeconds(), modelMs / 1e3, execMs / 1e3, split.modelSeconds(), split.pythonSeconds(),
                split.startupSeconds(), split.otherSeconds(), meanBatch);
    }

    private double pct(double s) {
        return wallSeconds == 0 ? 0 : 100 * s / wallSeconds;
    }

    /**
     * Human-readable lines: accuracy, tool use, empty and unparsed answers, throughput and tokens,
     * and the wall-time split.
     *
     * @return five lines without line terminators
     */
    public List<String> lines() {
        return List.of(
                String.format("accuracy %.2f%% (%d/%d)", 100 * accuracy(), correct, problems),
                String.format("tool calls %d (%.2f per problem), problems with a tool timeout %d", toolCalls,
                        problems == 0 ? 0 : toolCalls / (double) problems, toolTimeouts),
                String.format("empty answers %d, unparsed answers %d", emptyAnswers, unparsedAnswers),
                String.format("%.1f problems/min (%d solved in this run, wall %.1f s); tokens: %d prefill, %d decode; %.2f sequences per batched step",
                        problemsPerMinute(), solvedThisRun, wallSeconds, prefillTokens, decodeTokens, meanBatch),
                String.format("wall time: model forward %.1f s (%.1f%%), python %.1f s (%.1f%%), python start-up %.1f s (%.1f%%), other %.1f s (%.1f%%)",
                        forwardWallSeconds, pct(forwardWallSeconds), pythonWallSeconds, pct(pythonWallSeconds),
                        pythonStartupSeconds, pct(pythonStartupSeconds), otherWallSeconds, pct(otherWallSeconds)));
    }
}
