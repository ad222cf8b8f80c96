/**
 * Prompt formats and the tool loops. {@link dev.calx.decode.format.Formats} is the one registry
 * (tora, mathcoder, pot, cot, hybrid; {@code register} adds one); a
 * {@link dev.calx.decode.format.PromptFormat} renders prompts, renders training examples as
 * labelled {@link dev.calx.decode.format.Span}s (used by the trainer), and solves a question
 * ({@code solve}: model, executor, question, {@link dev.calx.decode.format.SolveOptions}, an
 * optional {@link dev.calx.decode.format.TranscriptSink} for streaming) into a
 * {@link dev.calx.decode.format.Solution}. A model is a {@link dev.calx.decode.format.SessionFactory};
 * {@link dev.calx.decode.format.LlamaSessionFactory} opens a checkpoint and its tokenizer.
 */
package dev.calx.decode.format;
