/**
 * The tensor engine. Public API: {@link dev.calx.tensor.Tensor} (dense fp32, row-major, views),
 * {@link dev.calx.tensor.WeightMatrix} and its storage formats ({@link dev.calx.tensor.DType}:
 * F32, BF16, F16, Q8_0), the {@link dev.calx.tensor.Backend} SPI with
 * {@link dev.calx.tensor.CpuBackend} (Vector API) and backend selection in
 * {@link dev.calx.tensor.Backends} ({@code -Dcalx.backend=auto|cpu|cuda}).
 *
 * <p>Public for the other Calx modules but not meant for users: {@code Checks} (argument
 * checks), {@code Parallel} (the worker pool, {@code -Dcalx.threads}), {@code ScalarKernels}
 * (the reference loops the fast paths are tested against), {@code Numerics} (fp32/bf16/f16
 * conversions), {@code SimdInfo}. The kernels themselves are package-private.
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector} at run time.
 */
package dev.calx.tensor;
