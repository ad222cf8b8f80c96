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
 *
 * <p>Not thread-safe: a graph is built and differentiated on one thread (recording is per
 * thread, see {@link NoGrad}).
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

    /**
     * A trainable leaf: gradients accumulate into {@link #grad()}. The tensor is used as is (no copy).
     * An optimizer updates the parameter by writing into {@code value} in place.
     *
     * @param value the parameter's tensor, shared
     * @return a new unnamed parameter
     */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null, null);
    }

    /**
     * A named trainable leaf (the name shows up in error messages and {@link #toString()}).
     *
     * @param name  the name, e.g. "layers.0.attention.wq"; null for none
     * @param value the parameter's tensor, shared
     * @return a new parameter
     */
    public static Variable parameter(String name, Tensor value) {
        return new Variable(value, true, name, null);
    }

    /**
     * A leaf that never receives a gradient (inputs, masks, fixed tables).
     *
     * @param value the tensor, shared (no copy)
     * @return a new constant
     */
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

    /**
     * The value itself (not a copy). Ops may share it with their outputs (reshape) or save it
     * for backward, so write into it only between steps, as an optimizer does.
     *
     * @return the tensor
     */
    public Tensor value() {
        return value;
    }

    /**
     * The accumulated gradient of a leaf parameter, or null when no backward has reached it yet.
     * Intermediate values have no retained gradient (null).
     *
     * @return the gradient, same shape as the value and contiguous, or null
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * True for parameters and for values computed from them while recording.
     *
     * @return whether backward reaches this value
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * True for parameters and constants (values not produced by a recorded op).
     *
     * @return whether this value has no recorded producer
     */
    public boolean isLeaf() {
        return node == null;
    }

    /** {@return the name given to {@link #parameter(String, Tensor)}, or null} */
    public String name() {
        return name;
    }

    /** {@return a copy of the value's shape} */
    public int[] shape() {
        return value.shape();
    }

    /**
     * One dimension of the value, as {@link Tensor#dim(int)}.
     *
     * @param i the dimension; negative counts from the end
     * @return its size
     */
    public int dim(int i) {
        return value.dim(i);
    }

    /**
     * The single element of a one-element value (a loss).
     *
     * @return the element
     * @throws IllegalStateException if the value does not have exactly one element
     */
    public float item() {
        if (value.size() != 1) {
            throw new IllegalStateException("item(): " + this + " has " + value.size() + " elements, not one");
        }
        return value.data()[value.offset()];
    }

    /**
     * The same value cut off from the graph (a constant sharing the tensor).
     *
     * @return a new constant over the same tensor
     */
    public Variable detach() {
        return constant(value);
    }

    /** Sets the leaf gradient to zero, keeping its buffer for the next step. */
    public void zeroGrad() {
        if (grad != null) grad.fill(0f);
    }

    /**
     * {@link #zeroGrad()} on each parameter.
     *
     * @param params the parameters
     */
    public static void zeroGrad(Iterable<Variable> params) {
        for (Variable p : params) p.zeroGrad();
    }

    /** Drops the leaf gradient buffer (it is allocated again on the next backward). */
    public void clearGrad() {
        grad = null;
    }

    /**
     * Backward from a scalar (one-element) value with seed gradient 1, freeing the graph as it goes.
     * Afterwards the parameters' {@link #grad()} hold the accumulated gradients.
     *
     * @throws IllegalArgumentException if this value has more than one element
     * @throws IllegalStateException    if it does not require a gradient, or part of its graph
     *                                  was freed by an earlier backward
     */
    public void backward() {
        Backward.run(this, null, false);
    }

    /**
     * Backward with an explicit seed gradient of this value's shape, freeing the graph.
     *
     * @param seed dLoss/dThis, same shape as the value (copied); null as in {@link #backward()}
     * @throws IllegalArgumentException       if seed is null and the value is not a scalar
     * @throws dev.calx.tensor.ShapeException if seed's shape differs from the value's
     * @throws IllegalStateException          if this value does not require a gradient, or part
     *                                        of its graph was freed by an earlier backward
     */
    public void backward(Tensor seed) {
        Backward.run(this, seed, false);
    }

    /**
     * Backward with an optional seed (null: this must be a scalar, seed 1). With retainGraph the
     * saved activations are kept so that backward can run through the graph again.
     *
     * @param seed        dLoss/dThis, same shape as the value (copied), or null for a scalar
     * @param retainGraph keep the graph (and its memory) for another backward
     * @throws IllegalArgumentException       if seed is null and the value is not a scalar
     * @throws dev.calx.tensor.ShapeException if seed's shape differs from the value's
     * @throws IllegalStateException          if this value does not require a gradient, or part
     *                                        of its graph was freed by an earlier backward
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
