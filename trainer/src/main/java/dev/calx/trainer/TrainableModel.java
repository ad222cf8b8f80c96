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
    /**
     * Parameters in a fixed order; gradient tensors stay the same objects across steps.
     *
     * @return the parameters, with value tensors trained in place
     */
    List<Param> params();

    /** Zeroes every gradient. */
    void zeroGrad();

    /**
     * Forward and backward of one batch: accumulates into the gradients the gradient of
     * (sum of the trained targets' token losses) / {@code normalizer}; returns that sum (not divided).
     *
     * @param batch      the micro-batch
     * @param normalizer the divisor of the loss: the trained tokens of the whole optimizer step,
     *                   so that accumulating its micro-batches gives the step's mean gradient
     * @return the sum of the batch's token losses (cross-entropy in nats), not divided
     */
    double forwardBackward(Batch batch, float normalizer);

    /**
     * Sum of the trained targets' token losses without recording anything.
     *
     * @param batch the batch
     * @return the sum of its token losses in nats; gradients are left untouched
     */
    double evalLossSum(Batch batch);

    /**
     * Writes config.json and model.safetensors (Hugging Face names) into dir.
     *
     * @param dir an existing directory (the checkpoint being assembled)
     * @throws IOException when a file cannot be written
     */
    void writeModelFiles(Path dir) throws IOException;

    /**
     * Loads parameter values from a checkpoint directory written by {@link #writeModelFiles}.
     *
     * @param dir the checkpoint directory
     * @throws IOException when it cannot be read or does not match this model (configuration, missing tensor)
     */
    void loadModelFiles(Path dir) throws IOException;

    /**
     * Bytes of activations a forward+backward of {@code rows x width} tokens keeps (an estimate).
     *
     * @param rows  rows of the micro-batch
     * @param width tokens per row
     * @return the estimate in bytes
     */
    long activationBytes(int rows, int width);

    /**
     * Shapes by parameter name (for optimizer checkpoints).
     *
     * @return a new map in {@link #params()} order
     */
    default Map<String, int[]> shapes() {
        Map<String, int[]> m = new java.util.LinkedHashMap<>();
        for (Param p : params()) m.put(p.name(), p.value().shape());
        return m;
    }
}
