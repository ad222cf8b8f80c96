package dev.calx.tensor.cuda;

import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend contract on the simulated device (runs everywhere, CI included), plus what only a
 * simulated device can observe: how many bytes cross the bus, and exact memory accounting.
 */
class SimulatedCudaBackendTest extends CudaBackendContract {
    /** 1001 bytes of staging: not a multiple of 4, so floats and rows are split across flushes. */
    static final int STAGING = 1001;
    private SimulatedDevice device;
    private CudaBackend root;

    @Override
    CudaBackend backend() {
        return backend(new CudaConfig(0, false, true, STAGING));
    }

    CudaBackend backend(CudaConfig config) {
        device = new SimulatedDevice(64L << 20, STAGING);
        root = CudaBackend.over(device, config);
        return root.forModel("test");
    }

    @AfterEach
    void closeDevice() {
        if (root != null) root.closeContext();
    }

    @Test
    void weightsCrossTheBusOnceAndActivationsEveryCall() {
        CudaBackend cuda = backend();
        int in = 128, out = 64, t = 3;
        WeightMatrix w = F32Weights.of(mat(random(new Random(9), out * in), out, in));
        Tensor x = Tensor.zeros(t, in), y = Tensor.zeros(t, out);
        cuda.matmul(x, w, y);
        long first = device.uploadedBytes;
        assertEquals(4L * out * in + 4L * t * in, first, "first call: weights and activations");
        cuda.matmul(x, w, y);
        assertEquals(4L * t * in, device.uploadedBytes - first, "second call: activations only");
        assertEquals(2 * 4L * t * out, device.downloadedBytes);
    }

    @Test
    void bf16WeightsStayHalfSizeAndActivationsGoUpAsBf16() {
        CudaBackend cuda = backend();
        int in = 64, out = 32, t = 2;
        WeightMatrix w = WeightMatrix.convert(mat(random(new Random(10), out * in), out, in), DType.BF16);
        cuda.matmul(Tensor.zeros(t, in), w, Tensor.zeros(t, out));
        assertEquals(2L * out * in, cuda.arena().bytes());
        assertEquals(2L * out * in + 2L * t * in, device.uploadedBytes);
    }

    @Test
    void bf16WeightsWidenedToFp32MatchCpuToFp32Precision() {
        CudaBackend cuda = backend(new CudaConfig(0, false, false, STAGING));
        int in = 64, out = 32, t = 4;
        Random rnd = new Random(11);
        WeightMatrix w = WeightMatrix.convert(mat(random(rnd, out * in), out, in), DType.BF16);
        Tensor x = mat(random(rnd, t * in), t, in);
        Tensor want = Tensor.zeros(t, out), got = Tensor.zeros(t, out);
        cpu.matmul(x, w, want);
        cuda.matmul(x, w, got);
        assertEquals(4L * out * in, cuda.arena().bytes());
        assertClose("bf16 widened", want.data(), got.data(), 0, t, out, out, FP32_TOL);
    }

    @Test
    void closingTheRootFreesItsWeightsButKeepsItUsable() {
        backend();
        WeightMatrix w = F32Weights.of(mat(random(new Random(13), 8 * 8), 8, 8));
        root.matmul(Tensor.zeros(1, 8), w, Tensor.zeros(1, 8));
        assertEquals(256, root.arena().bytes());
        root.close();
        assertEquals(0, root.arena().bytes());
        root.matmul(Tensor.zeros(1, 8), w, Tensor.zeros(1, 8));
        assertEquals(256, root.arena().bytes());
    }

    @Test
    void closingEveryArenaAndTheContextReturnsAllDeviceMemory() {
        CudaBackend a = backend();
        CudaBackend b = root.forModel("second");
        Random rnd = new Random(12);
        a.matmul(Tensor.zeros(2, 32), F32Weights.of(mat(random(rnd, 32 * 32), 32, 32)), Tensor.zeros(2, 32));
        b.matmul(Tensor.zeros(2, 32), F32Weights.of(mat(random(rnd, 16 * 32), 16, 32)), Tensor.zeros(2, 16));
        assertTrue(device.used() > 0);
        a.close();
        b.close();
        root.closeContext();
        assertEquals(0, device.used());
        assertEquals(device.allocations, device.frees);
        root = null;
    }

    @Test
    void weightUploadThatDoesNotFitFreesScratchAndRetriesBeforeFailing() {
        device = new SimulatedDevice(3L << 20, STAGING);
        root = CudaBackend.over(device, new CudaConfig(0, false, true, STAGING));
        CudaBackend cuda = root.forModel("tight");
        // 1 MiB of scratch A + 1 MiB of scratch C after this call
        cuda.gemm(false, false, 8, 8, 8, 1f, new float[64], 0, 8, new float[64], 0, 8, 0f, new float[64], 0, 8);
        assertTrue(device.used() >= 2L << 20);
        // 2 MiB of weights fit only once scratch is dropped
        int out = 512, in = 1024;
        WeightMatrix w = F32Weights.of(Tensor.zeros(out, in));
        cuda.matmul(Tensor.zeros(1, in), w, Tensor.zeros(1, out));
        assertEquals(4L * out * in, cuda.arena().bytes());
        // and 4 MiB never fit: the report names the bytes asked for and the bytes free
        WeightMatrix big = F32Weights.of(Tensor.zeros(1024, 1024));
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> cuda.matmul(Tensor.zeros(1, 1024), big, Tensor.zeros(1, 1024)));
        assertTrue(e.getMessage().startsWith("CUDA out of memory on simulated device: asked for 4194304 bytes (4.00 MiB)"
                + " for weights [1024][1024] F32 in arena 'tight' but only "), e.getMessage());
    }

    @Test
    void aWeightUploadThatFailsFreesItsBufferAndLeavesNothingResident() {
        CudaBackend cuda = backend();
        int in = 32, out = 16;
        WeightMatrix w = F32Weights.of(mat(random(new Random(14), out * in), out, in));
        long before = device.used();
        device.failUploads = new IllegalStateException("simulated copy failure");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cuda.matmul(Tensor.zeros(1, in), w, Tensor.zeros(1, out)));
        assertEquals("simulated copy failure", e.getMessage());
        assertEquals(0, cuda.arena().bytes(), "no bytes counted for a weight that is not resident");
        assertEquals(0, cuda.arena().size());
        assertFalse(cuda.arena().contains(w));
        assertEquals(before, device.used(), "the weight's device buffer was freed");
        device.failUploads = null;
        cuda.matmul(Tensor.zeros(1, in), w, Tensor.zeros(1, out));
        assertEquals(4L * out * in, cuda.arena().bytes(), "the retry uploads it once");
        cuda.close();
        root.closeContext();
        assertEquals(0, device.used(), "every device buffer was freed");
        assertEquals(device.allocations, device.frees);
        root = null;
    }
}
