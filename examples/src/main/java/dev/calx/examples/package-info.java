/**
 * Short runnable programs that use only the public Calx API, one idea each; every one is run by
 * this module's tests, so they stay true. Run one from the reactor with
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... dev.calx.examples.GenerateText}.
 * <ul>
 *   <li>{@link dev.calx.examples.GenerateText}: load a checkpoint (stories260K) and generate.</li>
 *   <li>{@link dev.calx.examples.BlockGradient}: a gradient through one Llama block, checked numerically.</li>
 *   <li>{@link dev.calx.examples.FineTune}: fine-tune a tiny model for a few steps on a JSONL file.</li>
 *   <li>{@link dev.calx.examples.ToolLoop}: solve a question with the tool loop and a custom executor.</li>
 *   <li>{@link dev.calx.examples.GradePredictions}: grade a JSONL file of predictions.</li>
 * </ul>
 */
package dev.calx.examples;
