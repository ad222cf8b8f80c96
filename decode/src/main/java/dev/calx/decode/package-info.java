/**
 * Calx decode: generation, the code-interleaved tool loops, grading and evaluation. The API is
 * in the sub-packages:
 * <ul>
 *   <li>{@code dev.calx.decode.format}: prompt formats ({@code Formats.get("tora")}, mathcoder, pot,
 *   cot, hybrid) whose {@code PromptFormat.solve} runs the tool loop over a {@code SessionFactory}
 *   ({@code LlamaSessionFactory.open} for a checkpoint) and a {@code PythonExecutor};</li>
 *   <li>{@code dev.calx.decode.exec}: the {@code PythonExecutor} interface (plug in your own) and
 *   {@code InterpreterExecutor}, its GraalPy implementation;</li>
 *   <li>{@code dev.calx.decode.generate}: {@code Decoder}, generation with stop strings on one session;</li>
 *   <li>{@code dev.calx.decode.sample}: {@code Sampler} and {@code SamplerConfig} (greedy, temperature, top-k, top-p);</li>
 *   <li>{@code dev.calx.decode.grade}: {@code AnswerExtractor} and {@code MathGrader};</li>
 *   <li>{@code dev.calx.decode.eval}: {@code EvalHarness} over {@code ProblemReader}'s data sets.</li>
 * </ul>
 */
package dev.calx.decode;
