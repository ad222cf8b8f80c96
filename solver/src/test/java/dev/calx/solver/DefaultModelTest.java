package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.exec.InterpreterExecutor;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.sample.SamplerConfig;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The model embedded in the jar: it is there, its tokenizer gives the sentencepiece library's
 * ids, and it answers a held-out synthetic question (test split of `calx data synth --seed 1`,
 * never trained on) by writing code that GraalPy runs, visibly, with the known answer.
 */
class DefaultModelTest {
    /**
     * Test-split row "money.savings-small-161" of the data in docs/RESULTS.md (not in the training
     * split); the answer is the generator's exact arithmetic (8 * 9 - 40), not the model's output.
     * Chosen among the test problems the shipped model got right in the evaluation of RESULTS.md.
     */
    static final String QUESTION = "Every week Liam puts $8 into a piggy bank. After 9 weeks, Liam takes out $40 to buy a notebook."
            + " How many dollars are still in the piggy bank?";
    static final String KNOWN_ANSWER = "32";

    static void assumeEmbedded() {
        Assumptions.assumeTrue(DefaultModel.present(),
                "missing classpath resource " + DefaultModel.RESOURCE_DIR + " (the embedded default model; see docs/RESULTS.md)");
    }

    @Test
    void copiesToTheCacheOnceUnderItsHash(@TempDir Path cache) throws Exception {
        assumeEmbedded();
        Path a = DefaultModel.directory(cache);
        Path b = DefaultModel.directory(cache);
        assertEquals(a, b);
        assertTrue(a.getFileName().toString().matches("default-model-[0-9a-f]{16}"), a.toString());
        for (String f : DefaultModel.FILES) assertTrue(Files.size(a.resolve(f)) > 0, f);
        try (var s = Files.list(cache)) {
            assertEquals(List.of(a), s.toList(), "no temporary directory left behind");
        }
    }

    @Test
    void tokenizerGivesTheSentencepieceLibrarysIds(@TempDir Path cache) throws Exception {
        assumeEmbedded();
        Tokenizer t = Tokenizers.load(DefaultModel.directory(cache).resolve("tokenizer.model"));
        ObjectMapper json = new ObjectMapper();
        List<String> rows;
        try (var in = DefaultModelTest.class.getResourceAsStream("/default-tokenizer-ids.jsonl")) {
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertTrue(rows.size() >= 40);
        for (String row : rows) {
            JsonNode n = json.readTree(row);
            int[] want = new int[n.get("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = n.get("ids").get(i).asInt();
            String text = n.get("text").asText();
            assertArrayEquals(want, t.encode(text, false), text);
            if (!text.isEmpty()) assertEquals(text, t.decode(want), "decode round trip");
        }
    }

    @Test
    void answersAHeldOutQuestionByRunningCode(@TempDir Path cache) throws Exception {
        assumeEmbedded();
        PromptFormat tora = Formats.get("tora");
        SolveOptions opts = new SolveOptions(tora.defaultMaxToolCalls(), 512, 1024, new SamplerConfig(0, 0, 1, 0));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InterpreterOptions io = InterpreterOptions.defaults().withPreimportSympy(false).withSpareWorkers(0);
        try (LlamaSessionFactory model = LlamaSessionFactory.open(DefaultModel.directory(cache), null, 0);
             PythonExecutor py = new InterpreterExecutor(io)) {
            Solution s = SolveCommand.solve(tora, model, py, QUESTION, opts, new PrintStream(buf, true, StandardCharsets.UTF_8), false);
            String out = buf.toString(StandardCharsets.UTF_8);
            assertTrue(s.toolCalls() >= 1, out);
            assertEquals(0, s.toolErrors(), out);
            assertTrue(out.contains("```python\n") && out.contains("```output\n" + KNOWN_ANSWER + "\n"), out);
            assertTrue(out.strip().endsWith("Answer: " + KNOWN_ANSWER), out);
        }
    }
}
