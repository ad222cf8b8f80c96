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

    @Test
    void synthSaysWhichSplitGotNoProblem() throws Exception {
        Path out = dir.resolve("few");
        // CPython runs the 4 programs (3 problems, 1 xlarge) in well under a second; GraalPy would take ~20 s
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "missing /usr/bin/python3");
        assertEquals(0, Main.run("data", "synth", "--n", "3", "--seed", "6", "--python", "/usr/bin/python3", "--out", out.toString()), std.err());
        assertTrue(std.err().contains("calx data synth: no problem fell into the val split (it gets 5% of them by a hash of their numbers),"
                + " so its files are empty: use a larger --n"), std.err());
        assertEquals("", Files.readString(out.resolve("stage1_cot_val.jsonl")));
        assertTrue(!std.err().contains("the train split") && !std.err().contains("the test split"), std.err());
    }

    @Test
    void aTimeoutOrWorkerCountBelowOneAndAMissingInputAreRefusedBeforeAnythingStarts() {
        Path out = dir.resolve("out");
        assertEquals(2, Main.run("data", "synth", "--n", "5", "--timeout", "0", "--python", "python3", "--out", out.toString()));
        assertTrue(std.err().startsWith("--timeout must be 1 or more seconds, got 0"), std.err());
        assertEquals(2, Main.run("data", "synth", "--n", "5", "--workers", "0", "--out", out.toString()));
        assertTrue(std.err().contains("--workers must be 1 or more, got 0"), std.err());
        Path missing = dir.resolve("missing.jsonl");
        assertEquals(2, Main.run("data", "gsm8k", "--in", missing.toString(), "--out", out.toString()));
        assertTrue(std.err().contains("--in " + missing + ": no such file"), std.err());
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void dropsNameTheirFirstCaseOnStderrAndInTheManifest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new dev.calx.trainer.exec.ProcessCodeRunner("python3", 5).run("print(1)").ok(),
                "no python3 on PATH");
        Path in = dir.resolve("g.jsonl");
        Files.writeString(in, """
                {"question": "q1", "answer": "2 and 3 make <<2+3=5>>5\\n#### 5"}
                {"question": "q2", "answer": "2 and 3 make <<2+3=6>>6\\n#### 6"}
                {"question": "q3", "answer": "7 over 0 is <<7/0=1>>1\\n#### 1"}
                {"question": "q4", "answer": "x is <<x=1>>1\\n#### 1"}
                """);
        Path out = dir.resolve("out");
        assertEquals(0, Main.run("data", "gsm8k", "--in", in.toString(), "--out", out.toString(), "--python", "python3"), std.err());
        assertTrue(std.out().contains("code rows 1;"), std.out());
        assertTrue(std.err().contains("first annotation result differs from execution: gsm8k-g.jsonl-2: print(2+3) printed 5,"
                + " the annotations say 6"), std.err());
        assertTrue(std.err().contains("first error: gsm8k-g.jsonl-3: print(7/0): ZeroDivisionError: division by zero"), std.err());
        assertTrue(std.err().contains("first annotation is not plain arithmetic: gsm8k-g.jsonl-4: <<x=1>>"), std.err());
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("gsm8k_g_manifest.json").toFile());
        assertEquals("gsm8k-g.jsonl-3: print(7/0): ZeroDivisionError: division by zero", m.get("code_drop_examples").get("error").asText());
    }
}
