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
    public enum Format { HF, LLAMA2C, GGUF, MEMORY }

    private final LlamaWeights weights;
    private final Format format;
    private final Path source;
    private final Arena arena;
    private final Map<String, Object> metadata;

    /**
     * For readers: weights whose storage lives in arena (closed with the model), plus
     * format-specific metadata (e.g. GGUF key/values, the raw HF config.json text).
     */
    public LlamaModel(LlamaWeights weights, Format format, Path source, Arena arena, Map<String, Object> metadata) {
        this.weights = weights;
        this.format = format;
        this.source = source;
        this.arena = arena;
        this.metadata = Map.copyOf(metadata);
    }

    /** A model over in-memory weights (tests, benchmarks, training). */
    public static LlamaModel of(LlamaWeights weights) {
        return new LlamaModel(weights, Format.MEMORY, null, null, Map.of());
    }

    /**
     * Loads a model, detecting the format: a directory with config.json (Hugging Face), a
     * {@code .gguf} file or a file starting with the GGUF magic, or a llama2.c {@code .bin}.
     */
    public static LlamaModel load(Path path) throws IOException {
        return switch (detect(path)) {
            case HF -> HfCheckpoint.read(path);
            case GGUF -> Gguf.read(path);
            case LLAMA2C -> Llama2c.read(path);
            case MEMORY -> throw new IllegalStateException();
        };
    }

    /** The format of a checkpoint path, without loading it. */
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

    public LlamaConfig config() { return weights.config(); }
    public LlamaWeights weights() { return weights; }
    public Format format() { return format; }
    /** The file or directory it was loaded from (null for in-memory models). */
    public Path source() { return source; }
    /** Format-specific metadata (GGUF key/values under their GGUF keys; "hf.config.json" for HF). */
    public Map<String, Object> metadata() { return metadata; }

    /** A session whose context limit is max_position_embeddings. */
    public InferenceSession newSession() {
        return new LlamaSession(weights, config().maxPositionEmbeddings());
    }

    /** A session with its own context limit (at most max_position_embeddings). */
    public InferenceSession newSession(int maxLength) {
        if (maxLength > config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("session length " + maxLength + " exceeds max_position_embeddings "
                    + config().maxPositionEmbeddings());
        }
        return new LlamaSession(weights, maxLength);
    }

    /** A session over any weights (e.g. trainable heap copies). */
    public static InferenceSession session(LlamaWeights weights, int maxLength) {
        return new LlamaSession(weights, maxLength);
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
