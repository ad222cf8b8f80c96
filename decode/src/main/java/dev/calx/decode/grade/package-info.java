/**
 * Grading: {@link dev.calx.decode.grade.AnswerExtractor} takes the answer out of a solution
 * (\boxed, "The answer is", the last output block, the last number) or a bare-answer prediction;
 * {@link dev.calx.decode.grade.AnswerNormalizer} and {@link dev.calx.decode.grade.MathGrader}
 * decide equivalence (numbers, fractions, LaTeX, symbolic equality with a time limit). The
 * expression parser and exact arithmetic are in {@code dev.calx.decode.grade.internal}.
 */
package dev.calx.decode.grade;
