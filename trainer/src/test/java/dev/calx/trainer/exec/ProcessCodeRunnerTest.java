package dev.calx.trainer.exec;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The external CPython runner: its time limit holds and it leaves no temporary files. */
class ProcessCodeRunnerTest {
    static boolean hasPython3() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "pass").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static Set<String> ourTempFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("calx-python")).collect(Collectors.toSet());
        }
    }

    @Test
    void runsProgramsAndReportsTheirErrors() throws IOException {
        Assumptions.assumeTrue(hasPython3(), "no python3 on PATH");
        Set<String> before = ourTempFiles();
        List<CodeRunner.Result> r = new ProcessCodeRunner("python3", 5).runAll(List.of("print(6 * 7)", "1 / 0"));
        assertEquals("42\n", r.get(0).stdout());
        assertNull(r.get(0).error());
        assertTrue(r.get(1).error().startsWith("ZeroDivisionError"), r.get(1).error());
        assertEquals(before, ourTempFiles(), "temporary files left behind");
    }

    @Test
    void aProgramThatNeverEndsIsKilledAtTheBatchLimit() throws IOException {
        Assumptions.assumeTrue(hasPython3(), "no python3 on PATH");
        Set<String> before = ourTempFiles();
        ProcessCodeRunner runner = new ProcessCodeRunner("python3", 1); // 10 + 1 s for one program
        long t0 = System.nanoTime();
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(40),
                () -> assertThrows(IllegalStateException.class, () -> runner.run("while True:\n    pass")));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("11 s") && e.getMessage().contains("1 program"), e.getMessage());
        assertTrue(secs < 30, "took " + secs + " s");
        assertEquals(before, ourTempFiles(), "temporary files left behind");
    }

    @Test
    void aFailureToStartLeavesNoTemporaryFile() throws IOException {
        Set<String> before = ourTempFiles();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new ProcessCodeRunner("/nonexistent/calx-test-python", 1).run("print(1)"));
        assertTrue(e.getMessage().contains("/nonexistent/calx-test-python"), e.getMessage());
        assertEquals(before, ourTempFiles(), "temporary files left behind");
    }
}
