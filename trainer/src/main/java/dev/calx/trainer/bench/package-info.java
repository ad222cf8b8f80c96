/**
 * Support code, not API: {@link dev.calx.trainer.bench.TrainStepBenchmark} measures the
 * throughput and peak heap of full training steps on a random Llama.
 */
package dev.calx.trainer.bench;
