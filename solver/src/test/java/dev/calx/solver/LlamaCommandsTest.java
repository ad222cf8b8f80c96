package dev.calx.solver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** calx info / convert / logits / generate on the PyTorch fixtures and the real stories260K model. */
class LlamaCommandsTest {
    static final Path FIXTURES = Path.of("../llama/src/test/resources/fixtures").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    @RegisterExtension
    final Std std = new Std();

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args), "exit code of calx " + String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static float[] lastRow(Path logitsFile, int vocab) throws Exception {
        byte[] b = Files.readAllBytes(logitsFile);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] r = new float[vocab];
        for (int i = 0; i < vocab; i++) r[i] = bb.getFloat(b.length - 4 * vocab + 4 * i);
        return r;
    }

    static void assertLogits(float[] want, String line) {
        String[] parts = line.trim().split(" ");
        assertEquals(want.length, parts.length, "one float per vocabulary entry");
        for (int i = 0; i < want.length; i++) {
            float got = Float.parseFloat(parts[i]);
            assertTrue(Math.abs(got - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])), "logit " + i + ": " + want[i] + " vs " + got);
        }
    }

    @Test
    void logitsOfEveryFormatMatchPyTorchAndSurviveConversion() throws Exception {
        Assumptions.assumeTrue(Files.exists(FIXTURES.resolve("fixtures.json")), "missing " + FIXTURES);
        String tokens = "1,5,9,33,0,17,36,2,8,8,21,30";
        float[] want = lastRow(FIXTURES.resolve("a_hf_f32.logits.f32"), 37);
        assertLogits(want, run("logits", "--model", FIXTURES.resolve("a_hf_f32").toString(), "--tokens", tokens));
        assertLogits(want, run("logits", "--model", FIXTURES.resolve("a_v0.bin").toString(), "--tokens", tokens));
        run("convert", "--model", FIXTURES.resolve("a_hf_f32").toString(), "--to", "llama2c", "--out", tmp.resolve("a.bin").toString());
        assertLogits(want, run("logits", "--model", tmp.resolve("a.bin").toString(), "--tokens", tokens));
        run("convert", "--model", tmp.resolve("a.bin").toString(), "--to", "hf", "--out", tmp.resolve("hf").toString());
        assertLogits(want, run("logits", "--model", tmp.resolve("hf").toString(), "--tokens", tokens));
        run("convert", "--model", FIXTURES.resolve("b_q8_0.gguf").toString(), "--to", "hf", "--out", tmp.resolve("q8").toString());
        assertLogits(lastRow(FIXTURES.resolve("b_q8_0.logits.f32"), 32),
                run("logits", "--model", tmp.resolve("q8").toString(), "--tokens", "1,31,4,4,15,0,22,9,3"));
    }

    @Test
    void convertAndGenerateRejectBadOptionsBeforeLoading() throws Exception {
        Path file = Files.writeString(tmp.resolve("taken"), "keep me");
        // A model path that does not exist: the --out check must come first.
        String missing = tmp.resolve("no-such-model.bin").toString();
        assertEquals(1, Main.run("convert", "--model", missing, "--to", "llama2c", "--out", tmp.toString()));
        assertTrue(std.err().contains("--out " + tmp + " is a directory; --to llama2c writes one file"), std.err());
        assertEquals(1, Main.run("convert", "--model", missing, "--to", "hf", "--out", file.toString()));
        assertTrue(std.err().contains("--out " + file + " is a file; --to hf writes a directory"), std.err());
        assertEquals("keep me", Files.readString(file));
        assertEquals(1, Main.run("convert", "--model", missing, "--to", "hf", "--out", tmp.resolve("hf").toString(), "--shard-size", "0"));
        assertTrue(std.err().contains("--shard-size must be 1 byte or more, got 0"), std.err());
        assertEquals(1, Main.run("generate", "--model", missing, "--steps", "-1"));
        assertTrue(std.err().contains("--steps must be 0 or more, got -1"), std.err());
        std.reset();
        assertEquals(1, Main.run("info", "--model", missing));
        assertEquals("calx: " + missing + ": no such model file or directory", std.err().strip());
    }

    /** --to llama2c with --out on a file of the source HF directory had replaced its config.json. */
    @Test
    void convertRefusesToWriteOverTheModelItConverts() throws Exception {
        Assumptions.assumeTrue(Files.exists(FIXTURES.resolve("fixtures.json")), "missing " + FIXTURES);
        Path hf = tmp.resolve("hf");
        Files.createDirectories(hf);
        for (String f : new String[] {"config.json", "model.safetensors"}) Files.copy(FIXTURES.resolve("a_hf_f32").resolve(f), hf.resolve(f));
        byte[] config = Files.readAllBytes(hf.resolve("config.json"));
        assertEquals(1, Main.run("convert", "--model", hf.toString(), "--to", "llama2c", "--out", hf.resolve("config.json").toString()));
        assertTrue(std.err().contains("--out " + hf.resolve("config.json") + " is a file of the model being converted; the llama2.c file would replace it"),
                std.err());
        assertArrayEquals(config, Files.readAllBytes(hf.resolve("config.json")));
        Path bin = tmp.resolve("a.bin");
        Files.copy(FIXTURES.resolve("a_v1.bin"), bin);
        byte[] v1 = Files.readAllBytes(bin);
        std.reset();
        assertEquals(1, Main.run("convert", "--model", bin.toString(), "--to", "llama2c", "--llama2c-version", "2", "--out",
                tmp.resolve(".").resolve("a.bin").toString()));
        assertTrue(std.err().contains("is the model being converted; the llama2.c file would replace it"), std.err());
        assertArrayEquals(v1, Files.readAllBytes(bin));
        // writing HF into its own directory stays allowed: a lossless rewrite (re-sharding in place)
        std.reset();
        run("convert", "--model", hf.toString(), "--to", "hf", "--out", hf.toString(), "--no-tokenizer");
        assertTrue(std.err().contains("wrote " + hf), std.err());
    }

    @Test
    void infoReadsHeadersOnly() throws Exception {
        Assumptions.assumeTrue(Files.exists(FIXTURES.resolve("fixtures.json")), "missing " + FIXTURES);
        String out = run("info", "--model", FIXTURES.resolve("b_hf_bf16_sharded").toString());
        assertTrue(out.contains("storage dtype: BF16"), out);
        assertTrue(out.contains("num_key_value_heads: 2"), out);
        assertTrue(out.contains("parameters: 32,960"), out);
        // 2 (k,v) x 1 layer x 2048 tokens x kvDim 32 x 4 bytes = 512 KiB
        assertTrue(out.contains("KV cache for 2048 tokens (fp32): 512.0 KiB"), out);
        String q8 = run("info", "--model", FIXTURES.resolve("b_q8_0.gguf").toString());
        assertTrue(q8.contains("storage dtype: Q8_0") && q8.contains("format: GGUF"), q8);
    }

    @Test
    void greedyGenerationOfStories260kPrintsTheTokenIdsWithoutATokenizer() throws Exception {
        Path bin = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.exists(bin), "missing " + bin);
        String out = run("generate", "--model", bin.toString(), "--temperature", "0", "--steps", "5");
        // the greedy ids whose text is llama2.c's expected output (checked with tok512 in the llama module's Stories260kTest)
        assertEquals("403 407 261 378 432", out.trim());
    }

    @Test
    void greedyGenerationOfStories260kWithItsTokenizerPrintsLlama2cExpectedText() throws Exception {
        Path dir = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K");
        for (String f : new String[]{"stories260K.bin", "tok512.bin", "expected_greedy_200.txt"}) {
            Assumptions.assumeTrue(Files.exists(dir.resolve(f)), "missing " + dir.resolve(f));
        }
        String out = run("generate", "--model", dir.resolve("stories260K.bin").toString(), "--tokenizer",
                dir.resolve("tok512.bin").toString(), "--temperature", "0", "--steps", "200");
        assertEquals(Files.readString(dir.resolve("expected_greedy_200.txt")) + "\n", out);
    }
    @Test
    void generateSaysWhyItStoppedAndRefusesAPromptOverTheContextBeforePrintingIt() throws Exception {
        Path dir = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K");
        for (String f : new String[]{"stories260K.bin", "tok512.bin"}) Assumptions.assumeTrue(Files.exists(dir.resolve(f)), "missing " + dir.resolve(f));
        String model = dir.resolve("stories260K.bin").toString(), tok = dir.resolve("tok512.bin").toString();
        // 506 prompt tokens of a 512-token context, and --steps of "no limit": this allocated an
        // int[Integer.MAX_VALUE] and died of OutOfMemoryError before the first token
        String out = run("generate", "--model", model, "--tokenizer", tok, "--temperature", "0", "--steps", "2147483647",
                "--prompt", "Lily and Tom played in the park. ".repeat(42));
        assertTrue(std.err().contains("prompt 506 tokens") && std.err().contains("generated 7 tokens")
                && std.err().contains("stopped at the context limit (512 tokens)"), std.err());
        assertTrue(out.startsWith("Lily and Tom played in the park.") && out.length() > 42 * 33, out);
        std.reset();
        run("generate", "--model", model, "--tokenizer", tok, "--temperature", "0", "--steps", "3");
        assertTrue(std.err().contains("generated 3 tokens") && std.err().contains("stopped at --steps 3"), std.err());
        std.reset();
        run("generate", "--model", model, "--tokenizer", tok, "--temperature", "0", "--steps", "400");
        assertTrue(std.err().contains("stopped at a stop token"), std.err());
        // 722 tokens: the prompt used to be echoed in full, then "context overflow"
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("generate", "--model", model, "--tokenizer", tok, "--prompt", "Lily and Tom played in the park. ".repeat(60));
        } finally {
            System.setOut(old);
        }
        assertEquals(1, rc);
        assertEquals("", buf.toString(StandardCharsets.UTF_8), "nothing printed");
        assertTrue(std.err().contains("--prompt is 722 tokens (BOS included) but the context limit of " + model + " is 512 tokens"), std.err());
    }

    @Test
    void logitsNamesABadIdAndAnOverlongListAsTheOptionsFault() {
        Path bin = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.exists(bin), "missing " + bin);
        // these came out as "append: token 512 at index 11 ..." and "context overflow: ..."
        assertEquals(1, Main.run("logits", "--model", bin.toString(), "--tokens", "1,2,3,4,5,6,7,8,9,10,11,512"));
        assertEquals("calx: --tokens: id 512 (the 12th) is outside " + bin + "'s vocabulary [0, 512)", std.err().strip());
        std.reset();
        assertEquals(1, Main.run("logits", "--model", bin.toString(), "--tokens", "1,-2"));
        assertTrue(std.err().contains("--tokens: id -2 (the 2nd) is outside"), std.err());
        std.reset();
        assertEquals(1, Main.run("logits", "--model", bin.toString(), "--tokens", String.join(",", java.util.Collections.nCopies(513, "1"))));
        assertEquals("calx: --tokens has 513 ids but the context limit of " + bin + " is 512 tokens", std.err().strip());
    }

    @Test
    void logitsTakesSpacesAroundCommasAndRefusesAnEmptyId() {
        Path bin = Path.of(System.getProperty("calx.shared", "../../shared"), "data/models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.exists(bin), "missing " + bin);
        assertArrayEquals(new int[] {1, 2, 3, 4}, LogitsCommand.parseIds(java.util.List.of(" 1, 2 ,3", "4")));
        // "1,2," used to run as 1,2 (a trailing empty id was dropped); "1, 2" was refused
        for (String[] c : new String[][] {{"1,2,", "the 3rd id is empty"}, {"1,,2", "the 2nd id is empty"}, {"", "the 1st id is empty"},
                {"1,x", "'x' (the 2nd) is not an integer id"}}) {
            std.reset();
            assertEquals(2, Main.run("logits", "--model", bin.toString(), "--tokens", c[0]), c[0]);
            assertTrue(std.err().contains("--tokens: " + c[1]), std.err());
        }
        std.reset();
        PrintStream old = System.out;
        ByteArrayOutputStream spaced = new ByteArrayOutputStream(), plain = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(spaced, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run("logits", "--model", bin.toString(), "--tokens", "1, 2"));
            System.setOut(new PrintStream(plain, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run("logits", "--model", bin.toString(), "--tokens", "1,2"));
        } finally {
            System.setOut(old);
        }
        assertEquals(plain.toString(StandardCharsets.UTF_8), spaced.toString(StandardCharsets.UTF_8));
        assertEquals(512, plain.toString(StandardCharsets.UTF_8).strip().split(" ").length);
    }
}
