package dev.calx.solver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** calx data synth's option checks (the synthesis itself: trainer's SynthesizerTest). */
class DataCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final Std std = new Std();

    @Test
    void synthRefusesAProblemCountBelowOneAndAShareOutsideItsRange() {
        Path out = dir.resolve("out");
        assertEquals(2, Main.run("data", "synth", "--n", "-3", "--out", out.toString()));
        assertTrue(std.err().startsWith("--n must be 1 or more, got -3"), std.err());
        assertTrue(std.err().contains("Usage: calx data synth"), std.err());
        assertEquals(2, Main.run("data", "synth", "--long-share", "1", "--out", out.toString()));
        assertTrue(std.err().contains("--long-share must be at least 0 and below 1, got 1.0"), std.err());
        assertTrue(Files.notExists(out), "nothing written");
    }
}
