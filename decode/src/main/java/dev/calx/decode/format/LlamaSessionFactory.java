package dev.calx.decode.format;

import dev.calx.decode.generate.BatchStep;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaBatch;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.StrictUtf8;
import dev.calx.llama.tokenizer.GgufTokenizer;
import dev.calx.llama.tokenizer.Llama2cTokenizer;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded Llama checkpoint and its tokenizer as a SessionFactory. The tokenizer is the given
 * file ({@code tokenizer.model} or a llama2.c {@code tokenizer.bin}), or {@code tokenizer.model}
 * inside a Hugging Face model directory, or the one in a GGUF file's metadata
 * ({@code tokenizer.ggml.*}), or {@code tokenizer.bin} beside a llama2.c file; an
 * {@code added_tokens.json} beside it is applied (MathCoder's special tokens).
 */
public final class LlamaSessionFactory implements SessionFactory, AutoCloseable {
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final int maxLength;
    private final List<Path> files;

    /**
     * Wraps a loaded model; the factory takes ownership of it and closes it in {@link #close()}.
     *
     * @param model     the model
     * @param tokenizer its tokenizer; ids must be below the model's vocab_size
     * @param maxLength context length of each session in tokens, capped at the model's
     *                  max_position_embeddings; 0 or less for that maximum
     */
    public LlamaSessionFactory(LlamaModel model, Tokenizer tokenizer, int maxLength) {
        this(model, tokenizer, maxLength, List.of());
    }

    private LlamaSessionFactory(LlamaModel model, Tokenizer tokenizer, int maxLength, List<Path> files) {
        this.files = List.copyOf(files);
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = Math.min(maxLength <= 0 ? Integer.MAX_VALUE : maxLength, model.config().maxPositionEmbeddings());
    }

    /**
     * Loads a checkpoint (Hugging Face directory, GGUF or llama2.c file) and finds its tokenizer
     * as described above.
     *
     * @param modelPath     the checkpoint file or directory
     * @param tokenizerPath the tokenizer file, or null to find it next to or inside the model
     * @param maxLength     context length of each session in tokens; 0 or less for the model's
     *                      max_position_embeddings
     * @return the factory; the caller closes it
     * @throws IOException when the model or tokenizer cannot be read, no tokenizer is found, an
     *         {@code added_tokens.json} does not give the listed ids, or the tokenizer has more
     *         pieces than the model's vocab_size
     */
    public static LlamaSessionFactory open(Path modelPath, Path tokenizerPath, int maxLength) throws IOException {
        LlamaModel model = LlamaModel.load(modelPath);
        if (tokenizerPath == null && model.format() == LlamaModel.Format.GGUF && GgufTokenizer.present(model.metadata())) {
            SentencePieceTokenizer t = GgufTokenizer.fromMetadata(modelPath.toString(), model.metadata());
            if (t.vocabSize() > model.config().vocabSize()) {
                throw new IOException(modelPath + ": the tokenizer in its metadata has " + t.vocabSize()
                        + " pieces but the model has vocab_size " + model.config().vocabSize());
            }
            return new LlamaSessionFactory(model, t, maxLength, modelFiles(modelPath, model.format()));
        }
        Path tok = tokenizerPath != null ? tokenizerPath : findTokenizer(modelPath);
        SentencePieceTokenizer t = tok.getFileName().toString().endsWith(".bin")
                ? Llama2cTokenizer.load(tok, model.config().vocabSize())
                : SentencePieceTokenizer.load(tok);
        Path added = tok.toAbsolutePath().resolveSibling("added_tokens.json");
        if (Files.isRegularFile(added)) t = withAddedTokens(t, added);
        if (t.vocabSize() > model.config().vocabSize()) {
            throw new IOException(tok + ": tokenizer has " + t.vocabSize() + " pieces but " + modelPath + " has vocab_size "
                    + model.config().vocabSize());
        }
        List<Path> files = new ArrayList<>(modelFiles(modelPath, model.format()));
        files.add(tok);
        if (Files.isRegularFile(added)) files.add(added);
        // A larger vocab_size is embedding padding (e.g. CodeLlama's 32016); the Decoder never samples it.
        return new LlamaSessionFactory(model, t, maxLength, files);
    }

    /**
     * Hugging Face's added_tokens.json ({"<|text|>": 32000, ...}), as MathCoder and other
     * fine-tunes ship it: the tokens are appended in id order, and their ids must come out as listed.
     */
    static SentencePieceTokenizer withAddedTokens(SentencePieceTokenizer t, Path file) throws IOException {
        JsonNode root;
        try {
            root = StrictJson.mapper().readTree(StrictUtf8.withoutBom(StrictUtf8.read(file, "added_tokens.json")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + StrictJson.reason(e), e);
        }
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object of token -> id");
        java.util.TreeMap<Integer, String> byId = new java.util.TreeMap<>();
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().canConvertToInt()) throw new IOException(file + ": id of " + e.getKey() + " is not an integer");
            byId.put(e.getValue().intValue(), e.getKey());
        }
        SentencePieceTokenizer out = t.withAddedTokens(new ArrayList<>(byId.values()));
        for (var e : byId.entrySet()) {
            int id = out.idOf(e.getValue());
            if (id != e.getKey()) {
                throw new IOException(file + ": token " + e.getValue() + " should have id " + e.getKey() + " but gets " + id
                        + " (the tokenizer has " + t.vocabSize() + " pieces)");
            }
        }
        return out;
    }

    /** The checkpoint's files a load reads: config.json, the index and the safetensors of a HF directory; else the file. */
    private static List<Path> modelFiles(Path modelPath, LlamaModel.Format format) throws IOException {
        if (format != LlamaModel.Format.HF) return List.of(modelPath);
        Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        out.add(dir.resolve("config.json"));
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) out.add(index);
        out.addAll(dev.calx.llama.format.HfCheckpoint.safetensorsFiles(dir));
        return out;
    }

    /**
     * {@return the files this factory's model and tokenizer were read from, in a fixed order}
     * For a Hugging Face directory: config.json, model.safetensors.index.json when there is one
     * and the safetensors files; else the checkpoint file; then the tokenizer file and the
     * added_tokens.json applied to it (none for a GGUF file's own tokenizer). Empty for a factory
     * built around a model in memory.
     */
    public List<Path> files() {
        return files;
    }

    static Path findTokenizer(Path modelPath) throws IOException {
        Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.toAbsolutePath().getParent();
        for (String name : new String[] {"tokenizer.model", "tokenizer.bin"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("no tokenizer.model or tokenizer.bin next to " + modelPath + "; pass --tokenizer");
    }

    /** {@return the loaded model (owned by this factory)} */
    public LlamaModel model() {
        return model;
    }

    /** {@return the context length of each session in tokens} */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public InferenceSession newSession() {
        return model.newSession(maxLength);
    }

    /** One forward for all sequences of a step ({@link LlamaBatch}). */
    @Override
    public BatchStep batchStep(int maxSequences) {
        LlamaBatch batch = new LlamaBatch(model, maxSequences);
        return batch::step;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Closes the model (its weights); sessions must not be used afterwards. */
    @Override
    public void close() {
        model.close();
    }
}
