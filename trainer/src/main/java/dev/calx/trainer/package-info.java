/**
 * Calx trainer: supervised fine-tuning and the MuMath-Code two-stage recipe. Public API:
 * {@link dev.calx.trainer.TrainRun} (files to checkpoints: {@code run(Stage, log)} and
 * {@code twoStage}), {@link dev.calx.trainer.TrainConfig} (one stage's hyper-parameters; the
 * papers' recipe in {@code defaults()}), {@link dev.calx.trainer.Trainer} (the loop over any
 * {@link dev.calx.trainer.TrainableModel}: accumulation, clipping, AdamW, schedules, checkpoints
 * and exact resume; {@code Trainer.Result}). {@link dev.calx.trainer.LlamaTrainable} adapts the
 * llama module's training forward. Data: {@code dev.calx.trainer.data}; optimizer:
 * {@code dev.calx.trainer.optim}; checkpoints: {@code dev.calx.trainer.checkpoint}; data
 * synthesis: {@code dev.calx.trainer.synth} and {@code dev.calx.trainer.exec}.
 * {@code dev.calx.trainer.io} and {@code dev.calx.trainer.bench} are support code, not API.
 */
package dev.calx.trainer;
