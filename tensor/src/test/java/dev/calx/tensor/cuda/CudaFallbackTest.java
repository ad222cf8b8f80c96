package dev.calx.tensor.cuda;

import dev.calx.tensor.BackendUnavailableException;
import dev.calx.tensor.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a machine without CUDA (every CI machine): the probe says why in one line, auto falls back
 * to the CPU, an explicit cuda choice is an error carrying that line, and nothing prints a stack
 * trace. Skipped where the probe succeeds.
 */
class CudaFallbackTest {
    private static String reason;

    @BeforeAll
    static void requireNoCuda() {
        Object probe = CudaBackend.probe();
        Assumptions.assumeTrue(probe instanceof String, "CUDA is available here; the fallback is not exercised");
        reason = (String) probe;
    }

    @AfterAll
    static void restoreSelection() {
        if (reason != null) Backends.select(System.getProperty("calx.backend", "auto"));
    }

    @Test
    void probeReasonIsOneLineNamingTheMissingPieceAndWhatToDo() {
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
        assertFalse(reason.contains("\tat "), reason);
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("libcublas.so.12") || reason.contains("no CUDA device")
                || reason.contains("JCuda"), "names the missing piece: " + reason);
        assertTrue(reason.matches(".*\\b(install|upgrade|check|add)\\b.*"), "says what to do: " + reason);
    }

    @Test
    void probeIsRememberedNotRepeated() {
        assertEquals(reason, CudaBackend.probe());
    }

    @Test
    void autoPicksTheCpuAndSaysWhy() {
        assertEquals("cpu", Backends.select("auto").name());
        List<String> report = Backends.report();
        assertTrue(report.stream().anyMatch(l -> l.equals("cuda: not available (" + reason + ")")), report.toString());
        assertTrue(report.stream().anyMatch(l -> l.startsWith("selected: cpu (auto: cuda not available")), report.toString());
    }

    @Test
    void explicitCudaIsAnErrorCarryingTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A fresh JVM (so the probe really runs, not a cached outcome) prints no stack trace and no warning. */
    @Test
    void freshJvmProbesWithoutPrintingAStackTrace() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ProbeMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertTrue(done, "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace("WARNING: Using incubator modules: jdk.incubator.vector", ""); // the JVM's own notice
        assertEquals(0, p.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("WARNING"), "stderr:\n" + err);
        assertFalse(out.contains("\tat "), "stdout:\n" + out);
        assertTrue(out.contains("cuda: not available ("), out);
        assertTrue(out.contains("selected: cpu"), out);
        assertTrue(out.contains("--backend cuda: CUDA is not available: "), out);
        assertTrue(out.lines().count() <= 6, out);
        // auto announces its choice once, on stderr
        assertEquals(1, err.lines().filter(l -> l.startsWith("calx: backend cpu (auto: cuda not available (")).count(), "stderr:\n" + err);
        assertTrue(String.join(File.pathSeparator, cmd).contains("ProbeMain"));
    }
}
