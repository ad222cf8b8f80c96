package dev.calx.tensor.cuda;

/**
 * Options of the CUDA backend, read from system properties by {@link #fromSystemProperties()}.
 *
 * @param device       CUDA device ordinal ({@code calx.cuda.device}, default 0)
 * @param tf32         let cuBLAS use TF32 tensor cores for fp32 GEMMs ({@code calx.cuda.tf32},
 *                     default false: fp32 stays exact to fp32 rounding)
 * @param bf16Gemm     keep bf16 weights as bf16 on the device and multiply them with
 *                     {@code cublasGemmEx} (bf16 inputs, fp32 accumulate; activations are rounded
 *                     to bf16 on upload). false: widen them to fp32 at upload and use fp32 GEMMs
 *                     ({@code calx.cuda.bf16gemm}, default true)
 * @param stagingBytes size of the pinned host buffer every transfer goes through
 *                     ({@code calx.cuda.stagingMiB}, default 64)
 */
public record CudaConfig(int device, boolean tf32, boolean bf16Gemm, long stagingBytes) {
    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if device is negative or stagingBytes is outside [64, 2^30]
     */
    public CudaConfig {
        if (device < 0) throw new IllegalArgumentException("calx.cuda.device must be >= 0, got " + device);
        if (stagingBytes < 64 || stagingBytes > 1L << 30) {
            throw new IllegalArgumentException("staging buffer of " + stagingBytes + " bytes: use 64 bytes to 1 GiB (calx.cuda.stagingMiB 1..1024)");
        }
    }

    /**
     * The options given by {@code -Dcalx.cuda.device}, {@code .tf32}, {@code .bf16gemm} and
     * {@code .stagingMiB} (see the components for the defaults).
     *
     * @return the configuration
     * @throws IllegalArgumentException if a property is not an integer where one is needed, or out of range
     */
    public static CudaConfig fromSystemProperties() {
        return new CudaConfig(
                intProperty("calx.cuda.device", 0),
                Boolean.parseBoolean(System.getProperty("calx.cuda.tf32", "false")),
                Boolean.parseBoolean(System.getProperty("calx.cuda.bf16gemm", "true")),
                (long) intProperty("calx.cuda.stagingMiB", 64) << 20);
    }

    private static int intProperty(String name, int dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + v + " is not an integer");
        }
    }
}
