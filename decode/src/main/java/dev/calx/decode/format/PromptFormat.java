package dev.calx.decode.format;

import dev.calx.decode.exec.PythonExecutor;

import java.util.List;

/**
 * One prompt format of the papers: it renders prompts for inference, renders training examples
 * into labelled spans with the same template (so training and inference cannot disagree), and
 * drives the decoding loop, running code through the executor. Registered in {@link Formats}.
 */
public interface PromptFormat {
    /**
     * The format's registry name.
     *
     * @return the name {@link Formats#get} finds it by ({@code "tora"}, {@code "cot"}, ...)
     */
    String name();

    /**
     * The papers' limit on tool calls (or blocks) for this format.
     *
     * @return the value to pass as {@link SolveOptions#maxToolCalls()} by default (0 when the
     *         format runs no code)
     */
    int defaultMaxToolCalls();

    /**
     * The prompt text for a question (encoded with BOS by the loop).
     *
     * @param question the problem statement
     * @return the prompt, ending where the model's response begins
     */
    String renderPrompt(String question);

    /**
     * A training example: prompt and the format's solution text, as labelled spans (ending with EOS).
     *
     * @param question the problem statement
     * @param solution a reference solution in this format's own syntax (fences, special tokens)
     * @return spans whose texts concatenate to the example: PROMPT first, EOS last
     * @throws IllegalArgumentException when the solution is not in the format's syntax (formats
     *         that parse it, such as mathcoder)
     */
    List<Span> renderTraining(String question, String solution);

    /**
     * Solves one problem. problemId names the executor session (state kept across the code
     * blocks of this problem; closed at the end). The built-in formats open a fresh inference
     * session per attempt and close it, and keep no per-problem state, so one instance may solve
     * several problems at once on different threads.
     *
     * @param model     the model and tokenizer
     * @param executor  runs the code blocks
     * @param problemId names the executor session, together with the format name
     * @param question  the problem statement
     * @param options   tool-call and token limits and the sampler
     * @param sink      receives the transcript as it is produced; {@link TranscriptSink#NONE}
     *                  to ignore it
     * @return the transcript, the extracted answer and the accounting
     */
    Solution solve(SessionFactory model, PythonExecutor executor, String problemId, String question,
                   SolveOptions options, TranscriptSink sink);
}
