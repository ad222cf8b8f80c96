package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * A value in a differentiable computation: an fp32 {@link Tensor} plus, when it takes part in
 * training, a gradient. Leaves are either trainable {@link #parameter parameters} (their
 * gradient is allocated on the first backward that reaches them, accumulated across backward
 * calls, and reset by {@link #zeroGrad()}) or {@link #constant constants} (no gradient). Values
 * produced by {@link Ops} while recording remember the op that made them, so that
 * {@link #backward()} can walk the graph back to the leaves.
 *
 * <p>Gradients of intermediate values are not kept: they live only while backward runs (like
 * PyTorch's non-leaf tensors), so that memory is returned as soon as an op's backward has run.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private final String name;
    /** The op that produced this value; null for leaves. */
    final Node node;
    /** Leaf gradient (parameters only), allocated lazily and reused across steps. */
    private Tensor grad;
    /** A stand-in leaf made by checkpointing: its gradient is scratch, counted as graph memory. */
    private boolean scratchGrad;

    private Variable(Tensor value, boolean requiresGrad, String name, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.name = name;
        this.node = node;
    }

    /** A trainable leaf: gradients accumulate into {@link #grad()}. The tensor is used as is (no copy). */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null, null);
    }

    /** A named trainable leaf (the name shows up in error messages and {@link #toString()}). */
    public static Variable parameter(String name, Tensor value) {
        return new Variable(value, true, name, null);
    }

    /** A leaf that never receives a gradient (inputs, masks, fixed tables). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null, null);
    }

    /** A leaf whose gradient is scratch of a checkpoint recompute (counted by MemoryMeter as live). */
    static Variable scratchLeaf(Tensor value) {
        Variable v = new Variable(value, true, null, null);
        v.scratchGrad = true;
        return v;
    }

    /** Output of a recorded op (node != null) or, when not recording, a constant. */
    static Variable result(Tensor value, Node node) {
        return new Variable(value, node != null, null, node);
    }

    public Tensor value() {
        return value;
    }

    /**
     * The accumulated gradient of a leaf parameter, or null when no backward has reached it yet.
     * Intermediate values have no retained gradient (null).
     */
    public Tensor grad() {
        return grad;
    }

    /** True for parameters and for values computed from them while recording. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for parameters and constants (values not produced by a recorded op). */
    public boolean isLeaf() {
        return node == null;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim(int i) {
        return value.dim(i);
    }

    /** The single element of a one-element value (a loss). */
    public float item() {
        if (value.size() != 1) {
            throw new IllegalStateException("item(): " + this + " has " + value.size() + " elements, not one");
        }
        return value.data()[value.offset()];
    }

    /** The same value cut off from the graph (a constant sharing the tensor). */
    public Variable detach() {
        return constant(value);
    }

    /** Sets the leaf gradient to zero, keeping its buffer for the next step. */
    public void zeroGrad() {
        if (grad != null) grad.fill(0f);
    }

    /** {@link #zeroGrad()} on each parameter. */
    public static void zeroGrad(Iterable<Variable> params) {
        for (Variable p : params) p.zeroGrad();
    }

    /** Drops the leaf gradient buffer (it is allocated again on the next backward). */
    public void clearGrad() {
        grad = null;
    }

    /** Backward from a scalar (one-element) value with seed gradient 1, freeing the graph as it goes. */
    public void backward() {
        Backward.run(this, null, false);
    }

    /** Backward with an explicit seed gradient of this value's shape, freeing the graph. */
    public void backward(Tensor seed) {
        Backward.run(this, seed, false);
    }

    /**
     * Backward with an optional seed (null: this must be a scalar, seed 1). With retainGraph the
     * saved activations are kept so that backward can run through the graph again.
     */
    public void backward(Tensor seed, boolean retainGraph) {
        Backward.run(this, seed, retainGraph);
    }

    /** The leaf gradient buffer, allocated (zeros) on first use. */
    Tensor leafGrad() {
        if (grad == null) {
            grad = Tensor.zeros(value.shape());
            if (scratchGrad) MemoryMeter.allocate(grad.size() * 4L);
            else MemoryMeter.parameterGradient(grad.size() * 4L);
        }
        return grad;
    }

    /**
     * The buffer into which an op's backward adds this value's gradient: the leaf gradient for
     * parameters, the producing node's gradient for intermediates, null when no gradient is needed.
     */
    Tensor gradTarget() {
        if (!requiresGrad) return null;
        if (node == null) return leafGrad();
        return node.gradBuffer();
    }

    /** Name used in messages: the parameter name, else the producing op, else "constant". */
    String label() {
        if (name != null) return "'" + name + "'";
        if (node != null) return "output of " + node.op;
        return requiresGrad ? "parameter" : "constant";
    }

    @Override
    public String toString() {
        return "Variable(" + label() + ", shape " + Arrays.toString(value.shape()) + ")";
    }
}
