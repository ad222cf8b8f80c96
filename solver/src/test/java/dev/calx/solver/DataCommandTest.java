package dev.calx.solver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** calx data synth's option checks (the synthesis itself: trainer's SynthesizerTest). */
class DataCommandTest {
    @TempDir
    Path dir;

    @Test
    void synthRefusesAProblemCountBelowOneAndAShareOutsideItsRange() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            Path out = dir.resolve("out");
            assertEquals(2, Main.run("data", "synth", "--n", "-3", "--out", out.toString()));
            assertTrue(err.toString().startsWith("--n must be 1 or more, got -3"), err.toString());
            assertTrue(err.toString().contains("Usage: calx data synth"), err.toString());
            assertEquals(2, Main.run("data", "synth", "--long-share", "1", "--out", out.toString()));
            assertTrue(err.toString().contains("--long-share must be at least 0 and below 1, got 1.0"), err.toString());
            assertTrue(Files.notExists(out), "nothing written");
        } finally {
            System.setErr(old);
        }
    }
}
