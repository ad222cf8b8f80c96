/**
 * Sampling: {@link dev.calx.decode.sample.SamplerConfig} (temperature, top-k, top-p, seed; an
 * immutable record) and {@link dev.calx.decode.sample.Sampler}, one random stream per sequence.
 */
package dev.calx.decode.sample;
