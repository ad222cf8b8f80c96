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

/** The external CPython runner: its per-program time and output limits hold, and it leaves no temporary files. */
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
    void aProgramThatNeverEndsTimesOutAloneAndTheRestStillRun() throws IOException {
        Assumptions.assumeTrue(hasPython3(), "no python3 on PATH");
        Set<String> before = ourTempFiles();
        ProcessCodeRunner runner = new ProcessCodeRunner("python3", 1);
        long t0 = System.nanoTime();
        // a loop, and a power that is one C call CPython cannot interrupt: each gets its 1 s
        List<CodeRunner.Result> r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runner.runAll(List.of(
                "print(1)", "while True:\n    pass", "x = 9**9**9**9", "print(4)")));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals("1\n", r.get(0).stdout());
        assertTrue(r.get(1).error() != null && r.get(1).error().startsWith("TimeoutError") && r.get(1).error().contains("1 s"),
                String.valueOf(r.get(1).error()));
        assertTrue(r.get(2).error() != null && r.get(2).error().startsWith("TimeoutError"), String.valueOf(r.get(2).error()));
        assertEquals("4\n", r.get(3).stdout());
        assertNull(r.get(3).error());
        assertTrue(secs < 30, "took " + secs + " s");
        assertEquals(before, ourTempFiles(), "temporary files left behind");
    }

    @Test
    void outputIsCappedAndStrayWritesToFdOneDoNotBreakTheResults() {
        Assumptions.assumeTrue(hasPython3(), "no python3 on PATH");
        List<CodeRunner.Result> r = new ProcessCodeRunner("python3", 10).runAll(List.of(
                "while True:\n    print('x' * 1000)",
                "import os, sys\nos.write(1, b'not json\\n')\nsys.__stdout__.write('nor this\\n')\nprint(2)"));
        assertEquals(ProcessCodeRunner.MAX_OUTPUT_CHARS, r.get(0).stdout().length());
        assertTrue(r.get(0).error() != null && r.get(0).error().contains("output truncated"), String.valueOf(r.get(0).error()));
        assertEquals("2\n", r.get(1).stdout());
        assertNull(r.get(1).error());
    }

    @Test
    void anInterpreterThatDiesMidBatchIsAnErrorSayingWhere() {
        Assumptions.assumeTrue(hasPython3(), "no python3 on PATH");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ProcessCodeRunner("python3", 5).runAll(List.of("print(1)", "import os\nos._exit(3)", "print(3)")));
        assertTrue(e.getMessage().contains("exited with 3 after 1 of 3"), e.getMessage());
    }

    @Test
    void aTimeoutBelowOneSecondIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProcessCodeRunner("python3", 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
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
