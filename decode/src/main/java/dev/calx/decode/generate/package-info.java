/**
 * Generation on one inference session: {@link dev.calx.decode.generate.Decoder} prefills text and
 * generates segments that stop at stop strings, stop tokens or limits
 * ({@link dev.calx.decode.generate.GenerateOptions}), keeping the KV cache equal to the transcript.
 * Batched generation across problems: {@link dev.calx.decode.generate.StepBatcher} runs the
 * single-token appends of sessions on several threads as one
 * {@link dev.calx.decode.generate.BatchStep}; {@link dev.calx.decode.generate.WallClockSplit}
 * splits wall time into model, Python and everything else.
 */
package dev.calx.decode.generate;
