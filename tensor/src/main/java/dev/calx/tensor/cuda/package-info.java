/**
 * The CUDA backend (JCuda + cuBLAS): {@link dev.calx.tensor.cuda.CudaBackend}, found
 * reflectively by {@code Backends} so that nothing else needs JCuda to load; its device memory
 * is held in {@link dev.calx.tensor.cuda.DeviceArena}s and {@link dev.calx.tensor.cuda.DeviceBuffer}s
 * (both {@code AutoCloseable}). Users select it with {@code -Dcalx.backend=cuda} or
 * {@code --backend cuda}; they rarely touch these types directly.
 */
package dev.calx.tensor.cuda;
