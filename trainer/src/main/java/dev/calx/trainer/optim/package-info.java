/**
 * Optimization: {@link dev.calx.trainer.optim.AdamW} (decoupled weight decay, state that
 * checkpoints), {@link dev.calx.trainer.optim.LrSchedule} (constant, linear, cosine, with warm-up),
 * {@link dev.calx.trainer.optim.GradClip} (global norm), over {@link dev.calx.trainer.optim.Param}s.
 */
package dev.calx.trainer.optim;
