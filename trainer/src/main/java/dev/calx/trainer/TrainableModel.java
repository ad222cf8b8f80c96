package dev.calx.trainer;

import dev.calx.trainer.data.Batch;
import dev.calx.trainer.optim.Param;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the training loop needs from a model: its parameters (named, with gradient buffers),
 * a forward+backward over one micro-batch whose loss is normalized by a count the loop gives
 * (the trained tokens of the whole optimizer step), an evaluation loss, and its checkpoint
 * files. The Llama adapter implements it over the llama module's training forward.
 */
public interface TrainableModel {
    /** Parameters in a fixed order; gradient tensors stay the same objects across steps. */
    List<Param> params();

    /** Zeroes every gradient. */
    void zeroGrad();

    /**
     * Forward and backward of one batch: accumulates into the gradients the gradient of
     * (sum of the trained targets' token losses) / {@code normalizer}; returns that sum (not divided).
     */
    double forwardBackward(Batch batch, float normalizer);

    /** Sum of the trained targets' token losses without recording anything. */
    double evalLossSum(Batch batch);

    /** Writes config.json and model.safetensors (Hugging Face names) into dir. */
    void writeModelFiles(Path dir) throws IOException;

    /** Loads parameter values from a checkpoint directory written by {@link #writeModelFiles}. */
    void loadModelFiles(Path dir) throws IOException;

    /** Bytes of activations a forward+backward of {@code rows x width} tokens keeps (an estimate). */
    long activationBytes(int rows, int width);

    /** Shapes by parameter name (for optimizer checkpoints). */
    default Map<String, int[]> shapes() {
        Map<String, int[]> m = new java.util.LinkedHashMap<>();
        for (Param p : params()) m.put(p.name(), p.value().shape());
        return m;
    }
}
