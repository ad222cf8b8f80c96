package dev.calx.trainer.optim;

import dev.calx.tensor.Tensor;

/**
 * A trainable parameter as the optimizer sees it: a name (the checkpoint key), the value and its
 * gradient, both plain contiguous tensors of the same shape. Keeping the optimizer on plain
 * tensors keeps it independent of autograd's internals.
 *
 * @param name  the checkpoint key (Hugging Face name, e.g. {@code model.layers.0.mlp.up_proj.weight});
 *              AdamW keys its state by it
 * @param value the parameter, updated in place by the optimizer
 * @param grad  its gradient, read (and scaled in place by clipping)
 */
public record Param(String name, Tensor value, Tensor grad) {
    /**
     * Checks that value and gradient can be walked as one flat array each.
     *
     * @throws IllegalArgumentException when their shapes differ or either is not contiguous
     */
    public Param {
        if (!value.sameShape(grad)) {
            throw new IllegalArgumentException("parameter " + name + ": value " + value + " and gradient " + grad + " differ in shape");
        }
        if (!value.isContiguous() || !grad.isContiguous()) {
            throw new IllegalArgumentException("parameter " + name + ": value and gradient must be contiguous");
        }
    }
}
