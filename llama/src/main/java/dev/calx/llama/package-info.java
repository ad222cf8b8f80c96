/**
 * Llama-2. Public API: {@link dev.calx.llama.LlamaModel#load} reads any supported checkpoint
 * (Hugging Face directory, llama2.c {@code .bin}, GGUF; {@code AutoCloseable}: it owns the
 * file mappings), {@link dev.calx.llama.ModelInfo} inspects one without loading it;
 * {@link dev.calx.llama.LlamaConfig} is the hyper-parameters (HF names);
 * {@link dev.calx.llama.LlamaWeights} the parameters by HF name (also random ones for tests);
 * {@link dev.calx.llama.InferenceSession} (from {@code LlamaModel.newSession()}, {@code AutoCloseable}:
 * it owns the KV cache) is the inference forward with {@code append}, {@code rollback} and
 * {@code fork}; {@link dev.calx.llama.Generator} and {@link dev.calx.llama.Sampler} are
 * llama2.c's plain generation loop; {@link dev.calx.llama.TrainableLlama} is the training
 * forward over autograd ({@code forward}, {@code loss}, then {@code backward()} on the result).
 *
 * <p>Checkpoint readers and writers are in {@code dev.calx.llama.format}, tokenizers in
 * {@code dev.calx.llama.tokenizer}.
 */
package dev.calx.llama;
