/**
 * Data synthesis: {@link dev.calx.trainer.synth.Synthesizer} makes multi-step arithmetic word
 * problems from {@link dev.calx.trainer.synth.Templates} (same seed, same bytes) with CoT and
 * code-nested solutions ({@link dev.calx.trainer.synth.Solutions}) whose programs are executed by a
 * {@code dev.calx.trainer.exec.CodeRunner}; {@link dev.calx.trainer.synth.Gsm8k} converts GSM8K.
 */
package dev.calx.trainer.synth;
