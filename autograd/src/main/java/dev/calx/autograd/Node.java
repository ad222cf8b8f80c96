package dev.calx.autograd;

import dev.calx.tensor.Tensor;

/**
 * One recorded op: its inputs, whatever it saved for backward, and the gradient of its output
 * accumulated by the ops that consumed it. Subclasses write {@link #backward} beside their
 * forward in {@link Ops}' implementation classes.
 *
 * <p>Lifetime: {@link #release()} runs right after the node's backward (unless the graph is
 * retained); it drops the inputs and the saved tensors so that the activations can be collected
 * before backward has finished, and marks the node so that a second backward through it is a
 * clear error instead of garbage.
 */
abstract class Node {
    final String op;
    private final int[] outShape;
    private Variable[] inputs;
    /** Gradient of this node's output, allocated when the first consumer adds into it. */
    private Tensor grad;
    /** Bytes of activations this node keeps alive (its output and scratch); see MemoryMeter. */
    private long heldBytes;
    private boolean released;

    Node(String op, int[] outShape, Variable... inputs) {
        this.op = op;
        this.outShape = outShape.clone();
        this.inputs = inputs;
    }

    /** Computes the inputs' gradients from the output gradient dy, adding into {@link #gradOf}. */
    abstract void backward(Tensor dy);

    /** Drops op-specific saved tensors (fields of the subclass). */
    void releaseSaved() {}

    /** The i-th input. */
    final Variable input(int i) {
        return inputs[i];
    }

    final int inputCount() {
        return inputs == null ? 0 : inputs.length;
    }

    /** The buffer to add input i's gradient into, or null when input i needs none. */
    final Tensor gradOf(int i) {
        return inputs[i].gradTarget();
    }

    final boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    /** Counts an output or scratch buffer as held by this node until its backward has run. */
    final void hold(long bytes) {
        heldBytes += bytes;
        MemoryMeter.allocate(bytes);
    }

    final boolean released() {
        return released;
    }

    Tensor gradBuffer() {
        if (released) {
            throw new IllegalStateException(op + ": its backward already ran and freed the graph; a value computed"
                    + " from it is still being differentiated (backward twice without retainGraph?)");
        }
        if (grad == null) {
            grad = Tensor.zeros(outShape);
            MemoryMeter.allocate(grad.size() * 4L);
        }
        return grad;
    }

    /** The accumulated output gradient (null if nothing flowed in); the caller takes ownership. */
    final Tensor takeGrad() {
        Tensor g = grad;
        grad = null;
        return g;
    }

    final void setGrad(Tensor g) {
        if (grad != null) MemoryMeter.free(grad.size() * 4L);
        grad = g;
        MemoryMeter.allocate(g.size() * 4L);
    }

    final int[] outShape() {
        return outShape.clone();
    }

    final void release() {
        releaseSaved();
        inputs = null;
        released = true;
        MemoryMeter.free(heldBytes);
        heldBytes = 0;
    }
}
