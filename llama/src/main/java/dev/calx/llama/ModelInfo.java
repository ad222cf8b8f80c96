package dev.calx.llama;

import dev.calx.llama.format.Gguf;
import dev.calx.llama.format.GgufFile;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.format.Llama2c;
import dev.calx.llama.format.Safetensors;
import dev.calx.tensor.DType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a checkpoint is and what loading it will cost, read from headers only (nothing is
 * loaded): the config, the storage dtype, the bytes that stay memory-mapped, the bytes a load
 * copies onto the heap (the norm vectors, converted to fp32), and the
 * size of an fp32 KV cache.
 *
 * @param path              the checkpoint path as given (file or HF directory)
 * @param format            the detected format (never {@code MEMORY})
 * @param config            the hyper-parameters from the header or config.json
 * @param storageDType      the storage format of the weight matrices: the embedding's, or for llama2.c
 *                          version 2 the format a load converts to (Q8_0 or F32)
 * @param fileBytes         bytes on disk (for HF, the {@code .safetensors} files a load reads: those named
 *                          by the index, or model.safetensors)
 * @param mappedWeightBytes bytes of weight matrices that stay memory-mapped (0 for llama2.c version 2,
 *                          which is copied)
 * @param copiedBytes       bytes a load copies: the fp32 norm vectors, plus for llama2.c version 2 the
 *                          matrices themselves
 */
public record ModelInfo(Path path, LlamaModel.Format format, LlamaConfig config, DType storageDType,
                        long fileBytes, long mappedWeightBytes, long copiedBytes) {

    /**
     * Bytes of an fp32 KV cache of the given length (keys and values, every layer).
     *
     * @param tokens cached positions (e.g. the session's maxLength)
     * @return 2 * layers * tokens * kvDim * 4 bytes
     */
    public long kvCacheBytes(int tokens) {
        return 2L * config.numHiddenLayers() * tokens * config.kvDim() * 4;
    }

    /**
     * Inspects a checkpoint, detecting its format as {@link LlamaModel#load(Path)} does, reading
     * headers only; any mapping it needs is released before it returns.
     *
     * @param path a Hugging Face directory (or a file in one), a {@code .gguf} file or a llama2.c {@code .bin}
     * @return what the checkpoint holds and what loading it costs
     * @throws java.nio.file.NoSuchFileException when the path does not exist
     * @throws CheckpointException when a header is malformed or inconsistent, or (GGUF) a tensor
     *                             has a type a load does not support (the message names it, e.g. Q4_K)
     * @throws IOException when a file cannot be read
     */
    public static ModelInfo of(Path path) throws IOException {
        LlamaModel.Format f = LlamaModel.detect(path);
        return switch (f) {
            case LLAMA2C -> {
                LlamaConfig c = Llama2c.readConfig(path);
                long size = Files.size(path);
                long vec = 4L * c.hiddenSize() * (2L * c.numHiddenLayers() + 1);
                DType dt = Llama2c.storage(path);
                // version 2 (int8 groups) is copied into Q8_0 or fp32 at load: nothing stays mapped
                boolean v2 = Llama2c.version(path) == 2;
                yield v2 ? new ModelInfo(path, f, c, dt, size, 0, matrixBytes(c, dt) + vec)
                        : new ModelInfo(path, f, c, DType.F32, size, matrixBytes(c, DType.F32), vec);
            }
            case GGUF -> {
                try (Arena a = Arena.ofConfined()) {
                    GgufFile g = GgufFile.open(path, a);
                    LlamaConfig c = Gguf.config(g);
                    // a load rejects a tensor of any other type (Q4_K, ...): so does this, naming it
                    for (GgufFile.TensorInfo t : g.tensors().values()) {
                        if (!t.name().equals("rope_freqs.weight")) Gguf.storage(path, t); // rope_freqs is not loaded
                    }
                    GgufFile.TensorInfo e = g.tensors().get("token_embd.weight");
                    DType dt = e == null ? DType.F32 : Gguf.storage(path, e);
                    long vec = 4L * c.hiddenSize() * (2L * c.numHiddenLayers() + 1);
                    yield new ModelInfo(path, f, c, dt, Files.size(path), matrixBytes(c, dt), vec);
                }
            }
            case HF -> {
                Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
                LlamaConfig c = HfCheckpoint.readConfig(dir);
                long size = 0;
                DType dt = DType.F32;
                // the files a load reads: those the index names (stray .safetensors files are not counted)
                List<Path> shards = HfCheckpoint.safetensorsFiles(dir);
                try (Arena a = Arena.ofConfined()) {
                    for (Path p : shards) {
                        size += Files.size(p);
                        var st = Safetensors.read(dev.calx.llama.format.MappedFile.map(p, a));
                        var emb = st.entries().get(LlamaWeights.EMBED);
                        if (emb != null) dt = DType.valueOf(emb.dtype());
                    }
                }
                long vec = 4L * c.hiddenSize() * (2L * c.numHiddenLayers() + 1);
                yield new ModelInfo(path, f, c, dt, size, matrixBytes(c, dt), vec);
            }
            case MEMORY -> throw new IllegalStateException();
        };
    }

    /**
     * Bytes of all weight matrices of a config in a storage format.
     *
     * @param c  the config (the head counted once when tied)
     * @param dt the storage format of every matrix
     * @return the bytes of the embedding, every layer's seven projections and the untied head
     */
    public static long matrixBytes(LlamaConfig c, DType dt) {
        long d = c.hiddenSize(), kv = c.kvDim(), h = c.intermediateSize();
        long perLayer = dt.bytes(d * d) * 2 + dt.bytes(kv * d) * 2 + dt.bytes(h * d) * 3;
        long emb = dt.bytes((long) c.vocabSize() * d);
        return perLayer * c.numHiddenLayers() + emb * (c.tieWordEmbeddings() ? 1 : 2);
    }
}
