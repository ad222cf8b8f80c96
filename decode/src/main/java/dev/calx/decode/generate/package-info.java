/**
 * Generation on one inference session: {@link dev.calx.decode.generate.Decoder} prefills text and
 * generates segments that stop at stop strings, stop tokens or limits
 * ({@link dev.calx.decode.generate.GenerateOptions}), keeping the KV cache equal to the transcript.
 */
package dev.calx.decode.generate;
