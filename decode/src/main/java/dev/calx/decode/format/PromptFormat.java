package dev.calx.decode.format;

import dev.calx.decode.exec.PythonExecutor;

import java.util.List;

/**
 * One prompt format of the papers: it renders prompts for inference, renders training examples
 * into labelled spans with the same template (so training and inference cannot disagree), and
 * drives the decoding loop, running code through the executor. Registered in {@link Formats}.
 */
public interface PromptFormat {
    String name();

    /** The papers' limit on tool calls (or blocks) for this format. */
    int defaultMaxToolCalls();

    /** The prompt text for a question (encoded with BOS by the loop). */
    String renderPrompt(String question);

    /** A training example: prompt and the format's solution text, as labelled spans (ending with EOS). */
    List<Span> renderTraining(String question, String solution);

    /**
     * Solves one problem. problemId names the executor session (state kept across the code
     * blocks of this problem; closed at the end).
     */
    Solution solve(SessionFactory model, PythonExecutor executor, String problemId, String question,
                   SolveOptions options, TranscriptSink sink);
}
