package dev.calx.tensor.cuda;

import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaMemcpyKind;

import java.lang.foreign.MemorySegment;

/**
 * {@link Device} on a real GPU through JCuda (runtime API) and JCublas2. Return codes are
 * checked here (JCuda's exceptions stay disabled) so that every failure names the call.
 * Memory is plain {@code cudaMalloc}; the staging buffer is pinned host memory
 * ({@code cudaHostAlloc}) so that copies run at full PCIe speed.
 */
final class JCudaDevice implements Device {
    private final int ordinal;
    private final int computeMajor;
    private final String deviceName;
    private final String description;
    private final cublasHandle handle;
    private final Pointer stagingPtr;
    private final MemorySegment staging;
    private boolean closed;

    private JCudaDevice(int ordinal, int computeMajor, String deviceName, String description, cublasHandle handle,
                        Pointer stagingPtr, MemorySegment staging) {
        this.ordinal = ordinal;
        this.computeMajor = computeMajor;
        this.deviceName = deviceName;
        this.description = description;
        this.handle = handle;
        this.stagingPtr = stagingPtr;
        this.staging = staging;
    }

    /**
     * Opens device {@code config.device()}: the caller ({@link CudaProbe}) has already checked
     * that the driver and a device exist. Loads cuBLAS (which throws UnsatisfiedLinkError when
     * libcublas.so.12 is missing), creates the handle, sets the math mode, pins the staging buffer.
     */
    static JCudaDevice open(CudaConfig config, int driverVersion, int runtimeVersion) {
        int ordinal = config.device();
        check(JCuda.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
        cudaDeviceProp prop = new cudaDeviceProp();
        check(JCuda.cudaGetDeviceProperties(prop, ordinal), "cudaGetDeviceProperties");
        String name = prop.getName();

        cublasHandle h = new cublasHandle();
        checkBlas(JCublas2.cublasCreate(h), "cublasCreate");
        Pointer stagingPtr = null;
        try {
            checkBlas(JCublas2.cublasSetMathMode(h, config.tf32() ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH
                    : cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            int[] v = new int[1];
            checkBlas(JCublas2.cublasGetVersion(h, v), "cublasGetVersion");
            int cublasVersion = v[0];
            stagingPtr = new Pointer();
            check(JCuda.cudaHostAlloc(stagingPtr, config.stagingBytes(), JCuda.cudaHostAllocDefault),
                    "cudaHostAlloc(" + config.stagingBytes() + " bytes of pinned staging)");
            MemorySegment staging = MemorySegment.ofBuffer(stagingPtr.getByteBuffer(0, config.stagingBytes()));
            String desc = "device " + ordinal + " (" + name + ", sm_" + prop.major + prop.minor + ", "
                    + DeviceOutOfMemoryException.bytes(prop.totalGlobalMem) + "), driver " + version(driverVersion)
                    + ", runtime " + version(runtimeVersion) + ", cuBLAS " + cublasVersion / 10000 + "."
                    + cublasVersion / 100 % 100 + "." + cublasVersion % 100;
            return new JCudaDevice(ordinal, prop.major, name, desc, h, stagingPtr, staging);
        } catch (RuntimeException | Error e) {
            if (stagingPtr != null) JCuda.cudaFreeHost(stagingPtr);
            JCublas2.cublasDestroy(h);
            throw e;
        }
    }

    /** CUDA's encoded version 12060 as "12.6". */
    static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    /** Compute capability major version (8 = Ampere: the first with bf16 GEMMs and TF32). */
    int computeMajor() { return computeMajor; }

    @Override public String name() { return "device " + ordinal + " (" + deviceName + ")"; }

    @Override public String describe() { return description; }

    @Override
    public void bind() {
        check(JCuda.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
    }

    @Override
    public Object malloc(long bytes, String what) {
        Pointer p = new Pointer();
        int rc = JCuda.cudaMalloc(p, bytes);
        if (rc == cudaError.cudaErrorMemoryAllocation) {
            JCuda.cudaGetLastError(); // reset the last-error state before asking for the numbers
            long[] info = memInfo();
            throw new DeviceOutOfMemoryException(name(), what, bytes, info[0], info[1]);
        }
        check(rc, "cudaMalloc(" + bytes + " bytes for " + what + ")");
        return p;
    }

    @Override
    public void free(Object handle) {
        check(JCuda.cudaFree((Pointer) handle), "cudaFree");
    }

    @Override public MemorySegment staging() { return staging; }

    @Override
    public void upload(Object dst, long dstOff, long bytes) {
        check(JCuda.cudaMemcpy(((Pointer) dst).withByteOffset(dstOff), stagingPtr, bytes,
                cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy host to device (" + bytes + " bytes)");
    }

    @Override
    public void download(Object src, long srcOff, long bytes) {
        check(JCuda.cudaMemcpy(stagingPtr, ((Pointer) src).withByteOffset(srcOff), bytes,
                cudaMemcpyKind.cudaMemcpyDeviceToHost), "cudaMemcpy device to host (" + bytes + " bytes)");
    }

    @Override
    public long[] memInfo() {
        long[] free = new long[1], total = new long[1];
        check(JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[]{free[0], total[0]};
    }

    private static int op(boolean trans) {
        return trans ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      Object a, int lda, Object b, int ldb, float beta, Object c, int ldc) {
        checkBlas(JCublas2.cublasSgemm(handle, op(transA), op(transB), m, n, k, Pointer.to(new float[]{alpha}),
                (Pointer) a, lda, (Pointer) b, ldb, Pointer.to(new float[]{beta}), (Pointer) c, ldc),
                "cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ")");
    }

    @Override
    public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    Object a, int lda, long strideA, Object b, int ldb, long strideB,
                                    float beta, Object c, int ldc, long strideC, int batch) {
        checkBlas(JCublas2.cublasSgemmStridedBatched(handle, op(transA), op(transB), m, n, k,
                Pointer.to(new float[]{alpha}), (Pointer) a, lda, strideA, (Pointer) b, ldb, strideB,
                Pointer.to(new float[]{beta}), (Pointer) c, ldc, strideC, batch),
                "cublasSgemmStridedBatched(m=" + m + ", n=" + n + ", k=" + k + ", batch=" + batch + ")");
    }

    @Override
    public void gemmBf16(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         Object a, int lda, Object b, int ldb, float beta, Object c, int ldc) {
        // cublasGemmEx_new takes a cublasComputeType; JCublas2.cublasGemmEx takes the pre-CUDA-11
        // cudaDataType compute type and migrates it, so we call the _new entry point directly.
        checkBlas(JCublas2.cublasGemmEx_new(handle, op(transA), op(transB), m, n, k, Pointer.to(new float[]{alpha}),
                (Pointer) a, cudaDataType.CUDA_R_16BF, lda, (Pointer) b, cudaDataType.CUDA_R_16BF, ldb,
                Pointer.to(new float[]{beta}), (Pointer) c, cudaDataType.CUDA_R_32F, ldc,
                cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx(bf16, m=" + m + ", n=" + n + ", k=" + k + ")");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCuda.cudaFreeHost(stagingPtr);
        JCublas2.cublasDestroy(handle);
    }

    static void check(int rc, String call) {
        if (rc != cudaError.cudaSuccess) {
            throw new CudaCallException(call + " failed: " + cudaError.stringFor(rc) + " (" + rc + ")");
        }
    }

    static void checkBlas(int rc, String call) {
        if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaCallException(call + " failed: " + cublasStatus.stringFor(rc) + " (" + rc + ")");
        }
    }
}
