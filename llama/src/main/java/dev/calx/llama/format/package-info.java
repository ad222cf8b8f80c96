/**
 * Checkpoint formats, one reader (and writer) per format: {@link dev.calx.llama.format.HfCheckpoint}
 * (config.json + safetensors, sharded or not), {@link dev.calx.llama.format.Llama2c} (llama2.c
 * {@code .bin}, versions 0, 1 and 2), {@link dev.calx.llama.format.Gguf} (llama.cpp). Users normally
 * go through {@code LlamaModel.load}, which detects the format, and use the writers directly
 * ({@code HfCheckpoint.write}, {@code Llama2c.write}).
 *
 * <p>Building blocks of the readers, public for the trainer and tests, not meant for users:
 * {@code Safetensors} (the container), {@code GgufFile} (the parsed GGUF header),
 * {@code MappedFile} (bounds-checked mappings), {@code RopePermutation} (HF vs Meta q/k row order).
 */
package dev.calx.llama.format;
