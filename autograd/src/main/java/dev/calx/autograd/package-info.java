/**
 * Reverse-mode automatic differentiation over the tensor engine. {@link dev.calx.autograd.Variable}
 * holds a value and (for parameters) a gradient; {@link dev.calx.autograd.Ops} are the
 * differentiable ops (linear/matmul, add/mul/scale, embedding, RMSNorm, RoPE, SiLU/SwiGLU,
 * causal GQA attention, cross-entropy, shape ops, checkpointing); {@link dev.calx.autograd.NoGrad}
 * turns recording off; {@link dev.calx.autograd.MemoryMeter} reports what the graph holds;
 * {@link dev.calx.autograd.GradCheck} compares gradients with finite differences.
 * Kernels live in {@code dev.calx.autograd.internal}.
 */
package dev.calx.autograd;
