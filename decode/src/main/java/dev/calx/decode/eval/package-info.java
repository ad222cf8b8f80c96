/**
 * Evaluation: {@link dev.calx.decode.eval.ProblemReader} reads GSM8K, MATH, MATH500, SVAMP and
 * MathCoder JSONL into {@link dev.calx.decode.eval.Problem}s; {@link dev.calx.decode.eval.EvalHarness}
 * solves them concurrently, resumably, one {@link dev.calx.decode.eval.EvalRecord} JSON line per
 * problem, and returns an {@link dev.calx.decode.eval.EvalSummary}; {@link dev.calx.decode.eval.References}
 * turns a data set's reference into the answer to grade against.
 */
package dev.calx.decode.eval;
