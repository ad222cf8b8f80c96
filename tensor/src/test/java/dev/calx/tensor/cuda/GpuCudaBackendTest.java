package dev.calx.tensor.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract on the real GPU. Skipped, with the probe's reason, where CUDA is not
 * available (every CI machine).
 */
class GpuCudaBackendTest extends CudaBackendContract {
    private static CudaBackend gpu;
    private CudaBackend view;

    @BeforeAll
    static void requireGpu() {
        Object probe = CudaBackend.probe();
        Assumptions.assumeTrue(probe instanceof CudaBackend, () -> "CUDA not available: " + probe);
        gpu = (CudaBackend) probe;
    }

    @Override
    CudaBackend backend() {
        view = gpu.forModel("gpu-test");
        return view;
    }

    @AfterEach
    void freeWeights() {
        if (view != null) view.close();
    }
}
