package dev.calx.tensor.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's explanations for each way JCuda fails to load, from the messages JCuda 12.6 really produces. */
class CudaProbeTest {
    /** JCuda's message when libJCublas2 loads but libcublas.so.12 is missing (captured on this machine). */
    static final String JCUBLAS_MISSING = """
            Error while loading native library "JCublas2-12.6.0-linux-x86_64"
            Operating system name: Linux
            Architecture         : amd64
            Architecture bit size: 64
            ---(start of nested stack traces)---
            Stack trace from the attempt to load the library as a file:
            java.lang.UnsatisfiedLinkError: no JCublas2-12.6.0-linux-x86_64 in java.library.path: /usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib
            \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)
            Stack trace from the attempt to load the library as a resource:
            java.lang.UnsatisfiedLinkError: /tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open shared object file: No such file or directory
            \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
            ---(end of nested stack traces)---
            """;

    @Test
    void missingCublasIsNamedWithWhatToInstall() {
        String r = CudaProbe.explain(new UnsatisfiedLinkError(JCUBLAS_MISSING));
        assertTrue(r.startsWith("libcublas.so.12 not found"), r);
        assertTrue(r.contains("install cuBLAS from CUDA 12"), r);
        assertFalse(r.contains("\n"), r);
    }

    @Test
    void missingDriverIsNamedWithWhatToInstall() {
        String r = CudaProbe.explain(new UnsatisfiedLinkError(
                "/tmp/libJCudaRuntime-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory"));
        assertTrue(r.contains("libcuda.so.1 not found"), r);
        assertTrue(r.contains("install the NVIDIA driver"), r);
    }

    @Test
    void jcudaWithoutNativesForThisPlatformSaysSo() {
        String r = CudaProbe.explain(new UnsatisfiedLinkError("Error while loading native library \"JCudaRuntime-12.6.0-apple-aarch64\"\nmore"));
        assertTrue(r.startsWith("JCuda's native library could not be loaded on "), r);
        assertFalse(r.contains("\n"), r);
    }

    @Test
    void secondCallAfterAFailedLoadIsExplained() {
        String r = CudaProbe.explain(new NoClassDefFoundError("Could not initialize class jcuda.jcublas.JCublas2"));
        assertTrue(r.contains("jcuda.jcublas.JCublas2"), r);
        assertTrue(r.contains("libcublas.so.12"), r);
    }

    @Test
    void missingJCudaJarsAreNamed() {
        String r = CudaProbe.explain(new NoClassDefFoundError("jcuda/runtime/JCuda"));
        assertTrue(r.contains("org.jcuda:jcuda"), r);
    }

    @Test
    void anyOtherFailureKeepsOnlyTheFirstLine() {
        String r = CudaProbe.explain(new IllegalStateException("boom\n\tat somewhere"));
        assertEquals("IllegalStateException while probing CUDA: boom", r);
    }

    @Test
    void missingLibraryIsCutOutOfTheNestedTraces() {
        assertEquals("libcublas.so.12: cannot open shared object file", CudaProbe.missingLibrary(JCUBLAS_MISSING));
    }

    @Test
    void outOfMemoryMessageGivesExactAndReadableSizes() {
        String m = DeviceOutOfMemoryException.message("device 0 (X)", "weights", 1610612736L, 1024, 80L << 30);
        assertEquals("CUDA out of memory on device 0 (X): asked for 1610612736 bytes (1.50 GiB) for weights but only"
                + " 1024 bytes (1.00 KiB) of 85899345920 bytes (80.00 GiB) are free; close a model's DeviceArena or use"
                + " smaller batches", m);
    }
}
