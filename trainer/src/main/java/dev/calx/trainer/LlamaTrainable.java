package dev.calx.trainer;

import dev.calx.autograd.NoGrad;
import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.TrainableLlama;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.optim.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@link TrainableModel} over the llama module's training forward ({@link TrainableLlama}):
 * checkpoints are Hugging Face directories (config.json, model.safetensors in fp32) written by
 * the llama module's writer, plus the base model's tokenizer files copied beside them.
 */
public final class LlamaTrainable implements TrainableModel {
    /** Tokenizer files copied from the base checkpoint into every checkpoint. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.model", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json");

    private final TrainableLlama model;
    private final AutogradParams params;
    private final Path tokenizerDir;
    private final SentencePieceTokenizer grownTokenizer;

    /**
     * Trains {@code model} in place; checkpoints get the base tokenizer's files copied.
     *
     * @param model        the training forward whose parameters are trained
     * @param tokenizerDir the directory whose tokenizer files (those present of
     *                     tokenizer.model, tokenizer.json, ...) go into every checkpoint; null for none
     */
    public LlamaTrainable(TrainableLlama model, Path tokenizerDir) {
        this(model, tokenizerDir, null);
    }

    /**
     * grownTokenizer: written into every checkpoint instead of copying the base files (after added tokens).
     *
     * @param model          the training forward whose parameters are trained
     * @param tokenizerDir   the directory whose tokenizer files are copied when {@code grownTokenizer} is null; may be null
     * @param grownTokenizer the tokenizer saved into every checkpoint, or null to copy from {@code tokenizerDir}
     */
    public LlamaTrainable(TrainableLlama model, Path tokenizerDir, SentencePieceTokenizer grownTokenizer) {
        this.model = model;
        this.params = new AutogradParams(model.parameters());
        this.tokenizerDir = tokenizerDir;
        this.grownTokenizer = grownTokenizer;
    }

    /**
     * Loads a checkpoint (any format the llama module reads) as trainable fp32 parameters.
     *
     * @param base a checkpoint directory or file; its directory also supplies the tokenizer files
     * @return a trainable heap fp32 copy (the loaded model is closed before returning)
     * @throws IOException when the checkpoint cannot be read
     */
    public static LlamaTrainable load(Path base) throws IOException {
        try (LlamaModel m = LlamaModel.load(base)) {
            TrainableLlama t = TrainableLlama.of(m.weights().toHeapF32());
            return new LlamaTrainable(t, Files.isDirectory(base) ? base : base.toAbsolutePath().getParent());
        }
    }

    /**
     * The adapted model, e.g. to build an inference session over the same tensors.
     *
     * @return the training forward; its weights are the tensors being trained, not a copy
     */
    public TrainableLlama model() { return model; }

    /**
     * The model's architecture (hidden size, layers, vocabulary, ...).
     *
     * @return the configuration
     */
    public LlamaConfig config() { return model.config(); }

    @Override
    public List<Param> params() { return params.params(); }

    @Override
    public void zeroGrad() { params.zeroGrad(); }

    @Override
    public double forwardBackward(Batch b, float normalizer) {
        Variable loss = model.loss(b.ids(), AutogradParams.targets(b, Ops.IGNORE_INDEX), b.rows(), b.segmentIds(), normalizer);
        double sum = (double) loss.item() * normalizer;
        loss.backward();
        return sum;
    }

    @Override
    public double evalLossSum(Batch b) {
        try (NoGrad ng = NoGrad.enter()) {
            return model.loss(b.ids(), AutogradParams.targets(b, Ops.IGNORE_INDEX), b.rows(), b.segmentIds(), 1f).item();
        }
    }

    @Override
    public void writeModelFiles(Path dir) throws IOException {
        HfCheckpoint.write(model.weights(), dir, null, Map.of("format", "pt"), Long.MAX_VALUE);
        if (grownTokenizer != null) {
            Tokenizers.save(grownTokenizer, dir);
        } else if (tokenizerDir != null) {
            for (String f : TOKENIZER_FILES) {
                Path src = tokenizerDir.resolve(f);
                if (Files.exists(src)) Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public void loadModelFiles(Path dir) throws IOException {
        try (LlamaModel m = HfCheckpoint.read(dir)) {
            if (!m.config().equals(config())) {
                throw new IOException(dir + ": checkpoint config " + m.config() + " differs from the model being trained " + config());
            }
            Map<String, Object> named = m.weights().toHeapF32().named();
            for (var e : model.parameters().entrySet()) {
                Object o = named.get(e.getKey());
                if (o == null) throw new IOException(dir + ": checkpoint has no tensor " + e.getKey());
                Tensor t = o instanceof F32Weights f ? f.heapTensor() : (Tensor) o;
                e.getValue().value().copyFrom(t);
                e.getValue().value().touch();
            }
        }
    }

    /**
     * Activations kept for backward per token: per layer the residual input, two norm outputs,
     * q, k, v, attention output, gate, up and SwiGLU output (attention probabilities are not
     * materialized by the fused op); then the final norm and the logits with their gradient.
     */
    @Override
    public long activationBytes(int rows, int width) {
        LlamaConfig c = config();
        long perLayer = 5L * c.hiddenSize() + 2L * c.kvDim() + 3L * c.intermediateSize();
        long perToken = c.numHiddenLayers() * perLayer + c.hiddenSize() + 2L * c.vocabSize();
        return 4L * rows * width * perToken;
    }
}
