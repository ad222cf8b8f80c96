package dev.calx.trainer.optim;

import dev.calx.tensor.Tensor;

/**
 * A trainable parameter as the optimizer sees it: a name (the checkpoint key), the value and its
 * gradient, both plain contiguous tensors of the same shape. Keeping the optimizer on plain
 * tensors keeps it independent of autograd's internals.
 */
public record Param(String name, Tensor value, Tensor grad) {
    public Param {
        if (!value.sameShape(grad)) {
            throw new IllegalArgumentException("parameter " + name + ": value " + value + " and gradient " + grad + " differ in shape");
        }
        if (!value.isContiguous() || !grad.isContiguous()) {
            throw new IllegalArgumentException("parameter " + name + ": value and gradient must be contiguous");
        }
    }
}
