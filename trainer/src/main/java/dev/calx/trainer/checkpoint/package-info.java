/**
 * Training checkpoints: {@link dev.calx.trainer.checkpoint.Checkpoints} (save atomically, list,
 * latest, restore the optimizer), {@link dev.calx.trainer.checkpoint.TrainerState} (what exact
 * resume needs) and {@link dev.calx.trainer.checkpoint.TensorFiles} (named tensors in safetensors).
 */
package dev.calx.trainer.checkpoint;
