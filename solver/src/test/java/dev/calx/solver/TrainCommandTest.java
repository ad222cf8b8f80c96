package dev.calx.solver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** calx train through Main.run: --config files (JSON, YAML) under the command line's own options, and their errors. */
class TrainCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final Std std = new Std();

    /** Twelve short one-turn ToRA chats (prompt/completion) that fit stories260K's context with tok512. */
    private Path data() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"prompt\": \"What is " + i + " plus 2?\", \"completion\": \"```python\\nprint(" + i
                    + " + 2)\\n```\\n```output\\n" + (i + 2) + "\\n```\\nSo $\\\\boxed{" + (i + 2) + "}$.\"}");
        }
        return Files.write(dir.resolve("train.jsonl"), lines);
    }

    @Test
    void aConfigFileGivesTheOptionsAndTheCommandLineWins() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path out = dir.resolve("run");
        Path cfg = Files.writeString(dir.resolve("run.json"), "{\"base\": \"" + model + "\", \"tokenizer\": \"" + tok
                + "\", \"data\": \"" + data() + "\", \"out\": \"" + out + "\", \"batch\": 2, \"max-len\": 128,"
                + " \"stop-after-steps\": 1}");
        // --backend (calx's option) and a flag after --config: both must survive the rerun.
        assertEquals(0, Main.run("train", "--config", cfg.toString(), "--stop-after-steps", "2", "--backend", "cpu",
                "--pack"), std.err());
        assertTrue(std.out().contains("at step 2"), "the command line's --stop-after-steps wins: " + std.out());
        assertTrue(std.err().contains("packed 12 samples into"), "--pack reached the trainer: " + std.err());
        assertTrue(Files.isDirectory(out), "checkpoints in the config's --out");

        Path yaml = Files.writeString(dir.resolve("run.yaml"), "base: " + model + "\ntokenizer: " + tok + "\ndata: " + data()
                + "\nout: " + dir.resolve("run2") + "\nbatch: 2\nmax-len: 128\nstop-after-steps: 1\npack: true\n");
        std.reset();
        assertEquals(0, Main.run("train", "--config", yaml.toString()), std.err());
        assertTrue(std.out().contains("at step 1"), std.out());
        // a flag in a config file: it used to stop with "Unmatched argument at index 1: 'true'"
        assertTrue(std.err().contains("packed 12 samples into"), "pack: true reached the trainer: " + std.err());
    }

    @Test
    void twoStageTrainingRunsBothStagesFromAConfig() throws IOException {
        Path model = Std.shared("data/models/stories260K/stories260K.bin"), tok = Std.shared("data/models/stories260K/tok512.bin");
        Path out = dir.resolve("two"), data = data();
        Path cfg = Files.writeString(dir.resolve("two.json"), "{\"base\": \"" + model + "\", \"tokenizer\": \"" + tok
                + "\", \"stage1\": \"" + data + "\", \"stage2\": \"" + data + "\", \"epochs\": 5}");
        assertEquals(0, Main.run("train-two-stage", "--config", cfg.toString(), "--out", out.toString(), "--epochs", "1",
                "--batch", "4", "--max-len", "128"), std.err());
        // 12 samples, batch 4, one epoch (the command line's, not the file's 5): 3 steps a stage.
        assertTrue(std.out().contains("finished at step 3"), std.out());
        assertTrue(Files.isDirectory(out.resolve("stage1/checkpoint-3")), "stage 1's checkpoint");
        assertTrue(Files.isDirectory(out.resolve("stage2/checkpoint-3")), "stage 2's checkpoint");
    }

    @Test
    void badConfigFilesAndMissingOptionsAreNamed() throws IOException {
        String missing = dir.resolve("none.json").toString();
        assertEquals(1, Main.run("train", "--config", missing));
        assertTrue(std.err().contains("calx: " + missing + ": no such file or directory"), std.err());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"epochs\": ");
        assertEquals(1, Main.run("train", "--config", broken.toString()));
        assertTrue(std.err().contains(broken + ": not valid JSON: "), std.err());

        Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"epoch\": 1}");
        assertEquals(1, Main.run("train", "--config", unknown.toString()));
        assertTrue(std.err().contains(unknown + ": unknown option \"epoch\""), std.err());

        String[][] bad = {{"flag.yaml", "pack: \"yes\"", "pack is a flag: expected true or false, got \"yes\""},
                {"list.yaml", "lr: [1]", "lr: expected one value, got [1]"},
                {"type.yaml", "batch: 8x", "Invalid value for option '--batch': '8x' is not an int"},
                {"broken.yaml", "{{{", "not valid YAML (line 2, column 1): "}};
        for (String[] b : bad) {
            Path f = Files.writeString(dir.resolve(b[0]), b[1] + "\n");
            std.reset();
            assertEquals(1, Main.run("train", "--config", f.toString()), b[0]);
            assertTrue(std.err().startsWith("calx: " + f + ": " + b[2]), std.err());
        }

        Path noBase = Files.writeString(dir.resolve("nobase.json"), "{\"epochs\": 1}");
        std.reset();
        assertEquals(2, Main.run("train", "--config", noBase.toString()));
        assertTrue(std.err().startsWith("missing --base (or give it in --config)"), std.err());
        assertTrue(std.err().contains("Usage: calx train"), std.err());
    }
}
