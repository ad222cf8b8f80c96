package dev.calx.tensor.cuda;

import dev.calx.tensor.Backends;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;

/**
 * Finds out whether CUDA can run here, and if not, says why in one line that names the missing
 * piece and what to install. The order follows the chain of dependencies: JCuda's native
 * library, the NVIDIA driver (libcuda.so.1), a device, cuBLAS (libcublas.so.12), then one small
 * GEMM checked against the CPU.
 */
final class CudaProbe {
    static final String INSTALL_DRIVER = "install the NVIDIA driver (version 525 or newer, for CUDA 12) on a machine with an NVIDIA GPU";
    static final String INSTALL_CUBLAS = "install cuBLAS from CUDA 12 (e.g. apt-get install libcublas-12-6, or the CUDA 12 toolkit)"
            + " and make sure libcublas.so.12 is on LD_LIBRARY_PATH";

    private CudaProbe() {}

    /** Returns a {@link CudaBackend} or a String reason. May throw; {@link CudaBackend#probe} explains throwables. */
    static Object open(CudaConfig config) {
        int[] v = new int[1];
        // Loads JCuda's runtime library (UnsatisfiedLinkError if it has no build for this platform).
        int rc = JCuda.cudaDriverGetVersion(v);
        int driver = rc == cudaError.cudaSuccess ? v[0] : 0;
        if (driver == 0) {
            return "the NVIDIA driver is not installed (libcuda.so.1 not found): " + INSTALL_DRIVER;
        }
        JCuda.cudaRuntimeGetVersion(v);
        int runtime = v[0];
        int[] count = new int[1];
        rc = JCuda.cudaGetDeviceCount(count);
        if (rc == cudaError.cudaErrorInsufficientDriver) {
            return "the NVIDIA driver supports CUDA " + JCudaDevice.version(driver) + " but JCuda needs CUDA "
                    + JCudaDevice.version(runtime) + " (libcuda.so.1 too old): upgrade the NVIDIA driver to 525 or newer";
        }
        if (rc == cudaError.cudaErrorNoDevice || rc == cudaError.cudaSuccess && count[0] == 0) {
            return "no CUDA device found (the driver for CUDA " + JCudaDevice.version(driver) + " is installed but sees no GPU):"
                    + " check nvidia-smi and CUDA_VISIBLE_DEVICES";
        }
        if (rc != cudaError.cudaSuccess) {
            return "cudaGetDeviceCount failed with " + cudaError.stringFor(rc) + ": check the NVIDIA driver with nvidia-smi";
        }
        if (config.device() >= count[0]) {
            return "calx.cuda.device=" + config.device() + " but there " + (count[0] == 1 ? "is 1 CUDA device" : "are " + count[0] + " CUDA devices");
        }
        JCudaDevice device = JCudaDevice.open(config, driver, runtime);
        if (config.bf16Gemm() && device.computeMajor() < 8) {
            // bf16 tensor cores arrive with compute capability 8.0 (Ampere); older GPUs get fp32 weights instead
            // of a bf16 GEMM that cuBLAS would emulate slowly or reject (depending on its version)
            config = new CudaConfig(config.device(), config.tf32(), false, config.stagingBytes());
        }
        CudaBackend backend = CudaBackend.over(device, config);
        String failure = selfCheck(backend);
        if (failure != null) {
            backend.closeContext();
            return failure;
        }
        return backend;
    }

    /** One small GEMM in each transpose layout against the CPU backend; null when all agree. */
    static String selfCheck(CudaBackend cuda) {
        int m = 3, n = 5, k = 7;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (i % 5) - 2;
        for (int i = 0; i < b.length; i++) b[i] = (i % 3) - 1;
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                float[] want = new float[m * n], got = new float[m * n];
                int lda = ta ? m : k, ldb = tb ? k : n;
                Backends.cpu().gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, want, 0, n);
                cuda.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, got, 0, n);
                for (int i = 0; i < want.length; i++) {
                    if (want[i] != got[i]) { // small integers: exact in any precision
                        return "the cuBLAS self-check failed (transA=" + ta + ", transB=" + tb + ": element " + i
                                + " is " + got[i] + ", expected " + want[i] + "): check the driver and GPU with nvidia-smi";
                    }
                }
            }
        }
        return null;
    }

    /**
     * One line for a throwable raised while probing. JCuda's UnsatisfiedLinkError messages hold
     * whole nested stack traces; only the part naming the missing library is kept.
     */
    static String explain(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        if (t instanceof UnsatisfiedLinkError) {
            if (msg.contains("libcublas")) return "libcublas.so.12 not found (cuBLAS from CUDA 12): " + INSTALL_CUBLAS;
            if (msg.contains("libcuda.so")) return "the NVIDIA driver is not installed (libcuda.so.1 not found): " + INSTALL_DRIVER;
            if (msg.contains("JCuda") || msg.contains("JCublas")) {
                return "JCuda's native library could not be loaded on " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch") + " (" + missingLibrary(msg) + "): the CUDA backend needs linux-x86_64"
                        + " or an org.jcuda natives jar for this platform";
            }
            return "a native library could not be loaded (" + missingLibrary(msg) + ")";
        }
        if (t instanceof NoClassDefFoundError) {
            if (msg.contains("Could not initialize class jcuda")) {
                return "JCuda failed to initialize earlier in this process (" + msg.substring(msg.indexOf("jcuda"))
                        + "), most likely because libcublas.so.12 or libcuda.so.1 is missing: " + INSTALL_CUBLAS;
            }
            if (msg.startsWith("jcuda/")) {
                return "the JCuda classes are missing from the class path (" + msg + "): add org.jcuda:jcuda and org.jcuda:jcublas 12.6.0";
            }
        }
        if (t instanceof DeviceOutOfMemoryException) return firstLine(msg);
        return t.getClass().getSimpleName() + " while probing CUDA: " + firstLine(msg);
    }

    private static final java.util.regex.Pattern CANNOT_OPEN =
            java.util.regex.Pattern.compile("([^\\s:/]+\\.so[.0-9]*): cannot open shared object file");

    /** From "…/tmp/libX.so: libcublas.so.12: cannot open shared object file…", the "libcublas.so.12: cannot open…" part. */
    static String missingLibrary(String msg) {
        java.util.regex.Matcher m = CANNOT_OPEN.matcher(msg);
        return m.find() ? m.group(1) + ": cannot open shared object file" : firstLine(msg);
    }

    static String firstLine(String msg) {
        String s = msg == null ? "" : msg.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }
}
