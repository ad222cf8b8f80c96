package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.generate.Segment;
import dev.calx.decode.generate.StopReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ToRA / MuMath-Code format: {@code <|user|>\n{q}\n<|assistant|>\n}, then text with
 * {@code ```python} blocks, each followed by a {@code ```output} block the loop fills in.
 * Generation stops at {@code </s>} or {@code ```output}; the last python block of the transcript
 * runs in the problem's session and {@code \n```output\n{result}\n```\n} is appended (the
 * leading newline only when the text does not already end with one); at most N executions,
 * then "Reach max function call limit." ends the run, as in ToRA's code.
 */
public final class ToraFormat implements PromptFormat {
    /** The registry name of this format. */
    public static final String NAME = "tora";
    static final String OUTPUT_FENCE = "```output";
    static final String PYTHON_FENCE = "```python";
    static final String LIMIT_MESSAGE = "\nReach max function call limit.";

    /** The format; it holds no state, so one instance serves every problem. */
    public ToraFormat() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int defaultMaxToolCalls() {
        return 4;
    }

    @Override
    public String renderPrompt(String question) {
        return "<|user|>\n" + question + "\n<|assistant|>\n";
    }

    /**
     * Spans of a ToRA solution: fences and reasoning are TEXT, python block bodies CODE, the
     * opener {@code ```output} TEXT (the model must learn to ask), what follows it up to and
     * including the closing fence and its newline EXECUTION.
     */
    @Override
    public List<Span> renderTraining(String question, String solution) {
        List<Span> out = new ArrayList<>();
        out.add(new Span(SpanKind.PROMPT, renderPrompt(question)));
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < solution.length()) {
            int py = solution.indexOf(PYTHON_FENCE + "\n", i), op = solution.indexOf(OUTPUT_FENCE, i);
            if (py < 0 && op < 0) break;
            if (py >= 0 && (op < 0 || py < op)) {
                int bodyStart = py + PYTHON_FENCE.length() + 1;
                int close = solution.indexOf("```", bodyStart);
                if (close < 0) break;
                text.append(solution, i, bodyStart);
                flush(out, text);
                out.add(new Span(SpanKind.CODE, solution.substring(bodyStart, close)));
                i = close;
            } else {
                int afterOpener = op + OUTPUT_FENCE.length();
                text.append(solution, i, afterOpener);
                flush(out, text);
                int close = solution.indexOf("```", afterOpener);
                int end = close < 0 ? solution.length() : close + 3;
                if (end < solution.length() && solution.charAt(end) == '\n') end++;
                out.add(new Span(SpanKind.EXECUTION, solution.substring(afterOpener, end)));
                i = end;
            }
        }
        text.append(solution.substring(i));
        flush(out, text);
        out.add(new Span(SpanKind.EOS, "</s>"));
        return out;
    }

    private static void flush(List<Span> out, StringBuilder text) {
        if (!text.isEmpty()) out.add(new Span(SpanKind.TEXT, text.toString()));
        text.setLength(0);
    }

    @Override
    public Solution solve(SessionFactory model, PythonExecutor executor, String problemId, String question,
                          SolveOptions options, TranscriptSink sink) {
        GenerationStats stats = new GenerationStats();
        String sessionId = problemId + "/" + NAME;
        try (Run run = new Run(model, options, sink, stats)) {
            run.prompt(renderPrompt(question));
            Set<Integer> stopTokens = Set.of(model.tokenizer().eosId());
            boolean hitLimit = false;
            while (run.budgetLeft()) {
                Segment seg = run.generate(List.of("</s>", OUTPUT_FENCE), stopTokens);
                if (seg.reason() != StopReason.STOP_STRING || !OUTPUT_FENCE.equals(seg.stop())) break;
                String text = run.transcript.toString();
                String code = lastPythonBlock(text);
                // ToRA runs code only when the text ends with a finished block and holds no \boxed.
                if (code == null || !text.stripTrailing().endsWith("```") || seg.text().contains("boxed")) break;
                if (run.toolCalls >= options.maxToolCalls()) {
                    run.note(LIMIT_MESSAGE);
                    hitLimit = true;
                    break;
                }
                ExecutionResult r = run.execute(executor, sessionId, code);
                String prefix = text.endsWith("\n") ? "" : "\n";
                run.feed(prefix + OUTPUT_FENCE + "\n" + r.display() + "\n```\n");
            }
            return run.finish(NAME, hitLimit);
        } finally {
            executor.closeSession(sessionId);
        }
    }

    /** The body of the last complete {@code ```python} block, or null. */
    static String lastPythonBlock(String text) {
        int i = text.lastIndexOf(PYTHON_FENCE);
        while (i >= 0) {
            int start = text.indexOf('\n', i);
            if (start < 0) return null;
            int end = text.indexOf("```", start + 1);
            if (end >= 0) return text.substring(start + 1, end);
            i = text.lastIndexOf(PYTHON_FENCE, i - 1);
        }
        return null;
    }
}
