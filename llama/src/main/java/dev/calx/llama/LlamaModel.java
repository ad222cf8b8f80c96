package dev.calx.llama;

import dev.calx.llama.format.Gguf;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.format.Llama2c;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model: its config, its weights (memory-mapped where the file allows) and the arena
 * that keeps the mapping alive. {@link #load(Path)} is the one entry point for every format;
 * close the model to unmap its file (sessions must not be used afterwards).
 */
public final class LlamaModel implements AutoCloseable {
    /** Where the weights came from. */
    public enum Format {
        /** A Hugging Face directory: config.json plus safetensors, single or sharded. */
        HF,
        /** A llama2.c {@code .bin} checkpoint (version 0, 1 or 2). */
        LLAMA2C,
        /** A llama.cpp GGUF file. */
        GGUF,
        /** Weights built in memory ({@link LlamaModel#of}); no file behind them. */
        MEMORY
    }

    private final LlamaWeights weights;
    private final Format format;
    private final Path source;
    private final Arena arena;
    private final Map<String, Object> metadata;
    private boolean closed;

    /**
     * For readers: weights whose storage lives in arena (closed with the model), plus
     * format-specific metadata (e.g. GGUF key/values, the raw HF config.json text).
     *
     * @param weights  the parameters; their mapped or allocated memory must belong to arena (or the heap)
     * @param format   where they came from
     * @param source   the file or directory read, or null for in-memory weights
     * @param arena    the arena that owns the weights' memory, closed by {@link #close()}; null when
     *                 there is none to close
     * @param metadata format-specific entries, copied (no null keys or values)
     */
    public LlamaModel(LlamaWeights weights, Format format, Path source, Arena arena, Map<String, Object> metadata) {
        this.weights = weights;
        this.format = format;
        this.source = source;
        this.arena = arena;
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * A model over in-memory weights (tests, benchmarks, training). Closing it releases nothing.
     *
     * @param weights the parameters, used as they are (not copied)
     * @return a {@link Format#MEMORY} model with no source and empty metadata
     */
    public static LlamaModel of(LlamaWeights weights) {
        return new LlamaModel(weights, Format.MEMORY, null, null, Map.of());
    }

    /**
     * Loads a model, detecting the format: a directory with config.json (Hugging Face), a
     * {@code .gguf} file or a file starting with the GGUF magic, or a llama2.c {@code .bin}.
     * Weights are memory-mapped where the format allows; the caller owns the model and must close it.
     *
     * @param path the checkpoint: an HF directory (or its config.json or a safetensors file in it),
     *             a GGUF file or a llama2.c file
     * @return the loaded model
     * @throws java.nio.file.NoSuchFileException when the path does not exist
     * @throws CheckpointException when the checkpoint is malformed, inconsistent with its config,
     *                             or uses something this implementation does not support
     * @throws IOException when a file cannot be read
     */
    public static LlamaModel load(Path path) throws IOException {
        return switch (detect(path)) {
            case HF -> HfCheckpoint.read(path);
            case GGUF -> Gguf.read(path);
            case LLAMA2C -> Llama2c.read(path);
            case MEMORY -> throw new IllegalStateException();
        };
    }

    /**
     * The format of a checkpoint path, without loading it: by name ({@code config.json},
     * {@code *.safetensors}, {@code *.safetensors.index.json}, {@code *.gguf}), else by the GGUF
     * magic; any other file is taken for llama2.c.
     *
     * @param path a checkpoint file or directory
     * @return the format; never {@link Format#MEMORY}
     * @throws java.nio.file.NoSuchFileException when the path does not exist
     * @throws CheckpointException when the path is a directory without config.json
     * @throws IOException only as those two; a file whose first bytes cannot be read is taken for llama2.c
     */
    public static Format detect(Path path) throws IOException {
        if (!Files.exists(path)) throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such model file or directory");
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve("config.json"))) return Format.HF;
            throw new CheckpointException(path, "a model directory must contain config.json (Hugging Face layout)");
        }
        String name = path.getFileName().toString();
        if (name.equals("config.json") || name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json")) {
            return Format.HF;
        }
        if (name.endsWith(".gguf") || Gguf.hasMagic(path)) return Format.GGUF;
        return Format.LLAMA2C;
    }

    /** {@return the hyper-parameters (those of {@link #weights()})} */
    public LlamaConfig config() { return weights.config(); }
    /** {@return the parameters; mapped ones are valid only until the model is closed} */
    public LlamaWeights weights() { return weights; }
    /** {@return where the weights came from} */
    public Format format() { return format; }
    /**
     * The file or directory it was loaded from (null for in-memory models).
     *
     * @return the source path, or null
     */
    public Path source() { return source; }
    /**
     * Format-specific metadata (GGUF key/values under their GGUF keys; "hf.config.json" for HF).
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> metadata() { return metadata; }

    /**
     * A session whose context limit is max_position_embeddings. Its cache starts small and grows
     * by doubling, so a long limit costs memory only when used.
     *
     * @return a new open session at position 0; the caller closes it
     */
    public InferenceSession newSession() {
        return new LlamaSession(weights, config().maxPositionEmbeddings());
    }

    /**
     * A session with its own context limit (at most max_position_embeddings).
     *
     * @param maxLength the context limit in tokens, from 1 to max_position_embeddings
     * @return a new open session at position 0; the caller closes it
     * @throws IllegalArgumentException when maxLength is not positive or exceeds max_position_embeddings
     */
    public InferenceSession newSession(int maxLength) {
        if (maxLength > config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("session length " + maxLength + " exceeds max_position_embeddings "
                    + config().maxPositionEmbeddings());
        }
        return new LlamaSession(weights, maxLength);
    }

    /**
     * A session over any weights (e.g. trainable heap copies). The weights are read, not copied,
     * so in-place updates to them are seen by the next forward.
     *
     * @param weights   the parameters to run
     * @param maxLength the context limit in tokens, positive (not checked against max_position_embeddings)
     * @return a new open session at position 0
     * @throws IllegalArgumentException when maxLength is not positive
     */
    public static InferenceSession session(LlamaWeights weights, int maxLength) {
        return new LlamaSession(weights, maxLength);
    }

    /**
     * Closes the arena, unmapping the file: sessions and weights of this model must not be used
     * afterwards (reading mapped weights then throws IllegalStateException). Does nothing for
     * in-memory models. Idempotent: only the first call closes the arena.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (arena != null) arena.close(); // when this throws (the memory is in use), a later close tries again
        closed = true;
    }
}
