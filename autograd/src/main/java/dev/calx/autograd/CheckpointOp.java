package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.function.Function;

/**
 * Activation checkpointing: the forward runs the function without recording; the backward
 * runs it again on detached copies of the inputs, recording, back-propagates the incoming
 * gradient through that fresh graph (which also fills the gradients of the parameters the
 * function captured), and hands the inputs' gradients on.
 */
final class CheckpointOp extends Node {
    private Function<Variable[], Variable> fn;
    private Variable[] inputs;

    private CheckpointOp(Function<Variable[], Variable> fn, Variable[] inputs, int[] outShape) {
        super("checkpoint", outShape, inputs);
        this.fn = fn;
        this.inputs = inputs;
    }

    static Variable apply(Function<Variable[], Variable> fn, Variable... inputs) {
        Variable out;
        try (NoGrad ignored = NoGrad.enter()) {
            out = fn.apply(inputs);
        }
        if (!GradMode.enabled()) return out;
        CheckpointOp node = new CheckpointOp(fn, inputs.clone(), out.shape());
        node.hold(out.value().size() * 4L);
        return Variable.result(out.value(), node);
    }

    @Override
    void backward(Tensor dy) {
        Variable[] detached = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Variable in = inputs[i];
            detached[i] = in.requiresGrad() ? Variable.scratchLeaf(in.value()) : Variable.constant(in.value());
        }
        Variable again;
        int saved = GradMode.forceEnable();
        try {
            again = fn.apply(detached);
        } finally {
            GradMode.endForce(saved);
        }
        if (!again.requiresGrad()) return; // nothing inside depends on anything trainable
        again.backward(dy);
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = gradOf(i);
            Tensor dg = detached[i].grad();
            if (g != null && dg != null) Accumulate.add(g, dg, 1f);
            if (dg != null) MemoryMeter.free(dg.size() * 4L);
        }
    }

    @Override
    void releaseSaved() {
        fn = null;
        inputs = null;
    }
}
