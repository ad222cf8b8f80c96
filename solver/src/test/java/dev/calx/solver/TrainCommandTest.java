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

        // Files.readString's MalformedInputException said "Input length = 1" and named no file
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), "lr: 1e-5 # r\u00e9glage\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        std.reset();
        assertEquals(1, Main.run("train", "--config", latin1.toString()));
        assertTrue(std.err().startsWith("calx: " + latin1 + ": the config is not valid UTF-8 (byte 0xE9 at byte 12 of the file)"), std.err());

        Path noBase = Files.writeString(dir.resolve("nobase.json"), "{\"epochs\": 1}");
        std.reset();
        assertEquals(2, Main.run("train", "--config", noBase.toString()));
        assertTrue(std.err().startsWith("missing --base (or give it in --config)"), std.err());
        assertTrue(std.err().contains("Usage: calx train"), std.err());
    }

    @Test
    void outOfRangeSettingsAreNamedAsTheirOptionsBeforeAnythingLoads() throws IOException {
        // the errors used to name TrainConfig's fields: "warmupRatio must be ...", "keepLast ...", "batchSize ..."
        Path base = dir.resolve("no-such-model.bin"), data = dir.resolve("no-such-data.jsonl"), out = dir.resolve("out");
        String[][] cases = {{"--warmup", "1.5", "--warmup must be between 0 and 1, got 1.5"},
                {"--keep", "-1", "--keep must be at least 0, got -1"},
                {"--batch", "0", "--batch must be at least 1, got 0"},
                {"--max-len", "1", "--max-len must be at least 2, got 1"},
                {"--max-bad-fraction", "2", "--max-bad-fraction must be between 0 and 1, got 2.0"},
                {"--beta2", "1", "--beta2 must be in [0, 1), got 1.0"},
                {"--eval-max-tokens", "0", "--eval-max-tokens must be at least 1, got 0"}};
        for (String[] c : cases) {
            std.reset();
            assertEquals(1, Main.run("train", "--base", base.toString(), "--data", data.toString(), "--out", out.toString(), c[0], c[1]), c[0]);
            assertEquals("calx: " + c[2], std.err().strip(), c[0]);
        }
        std.reset();
        assertEquals(1, Main.run("train-two-stage", "--base", base.toString(), "--stage1", data.toString(), "--stage2", data.toString(),
                "--out", out.toString(), "--stage2-epochs", "0"));
        assertEquals("calx: --stage2-epochs must be at least 1, got 0", std.err().strip());
        // generation accuracy without held-out problems: two-stage found stage 2's missing only after stage 1 had trained
        std.reset();
        assertEquals(2, Main.run("train-two-stage", "--base", base.toString(), "--stage1", data.toString(), "--stage2", data.toString(),
                "--out", out.toString(), "--eval-problems", "1", "--stage1-val", data.toString()));
        assertTrue(std.err().startsWith("--eval-problems needs --stage1-val and --stage2-val (the held-out problems each stage decodes);"
                + " missing: --stage2-val"), std.err());
        std.reset();
        assertEquals(2, Main.run("train", "--base", base.toString(), "--data", data.toString(), "--out", out.toString(), "--eval-problems", "1"));
        assertTrue(std.err().startsWith("--eval-problems needs --val"), std.err());
        assertTrue(Files.notExists(out), "nothing written");
    }
}
