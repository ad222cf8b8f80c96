package dev.calx.llama;

import dev.calx.llama.tokenizer.Llama2cTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real trained model from llama2.c's test: greedy generation must print llama2.c's text exactly. */
class Stories260kTest {
    static final Path DIR = Path.of(System.getProperty("calx.shared", "../shared"), "data/models/stories260K");

    @Test
    void greedy200StepsWithoutPromptPrintsLlama2cExpectedText() throws IOException {
        Path bin = DIR.resolve("stories260K.bin"), tok = DIR.resolve("tok512.bin"), exp = DIR.resolve("expected_greedy_200.txt");
        for (Path p : new Path[]{bin, tok, exp}) Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        try (LlamaModel m = LlamaModel.load(bin); InferenceSession s = m.newSession()) {
            assertEquals(LlamaModel.Format.LLAMA2C, m.format());
            assertEquals(64, m.config().hiddenSize());
            assertEquals(4, m.config().numKeyValueHeads());
            int[] ids = Generator.generate(s, new int[]{1}, 200, Sampler.greedy(), 1, 2, null);
            int[] withBos = new int[ids.length + 1];
            withBos[0] = 1;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            String text = Llama2cTokenizer.load(tok, m.config().vocabSize()).decode(withBos);
            assertEquals(Files.readString(exp), text);
        }
    }
    @Test
    void noTokenLimitRunsUntilTheContextIsFull() throws IOException {
        Path bin = DIR.resolve("stories260K.bin");
        Assumptions.assumeTrue(Files.exists(bin), "missing " + bin);
        try (LlamaModel m = LlamaModel.load(bin); InferenceSession s = m.newSession(16)) {
            // Integer.MAX_VALUE used to allocate its output array up front (OutOfMemoryError)
            int[] ids = Generator.generate(s, new int[]{1}, Integer.MAX_VALUE, Sampler.greedy(), 1, 2, null);
            // BOS and 15 emitted tokens fill the 16 positions; the 16th token is emitted, not appended
            assertEquals(16, ids.length);
            assertEquals(16, s.position());
            try (InferenceSession t = m.newSession()) {
                int[] first = Generator.generate(t, new int[]{1}, 16, Sampler.greedy(), 1, 2, null);
                assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(ids));
            }
        }
    }
}
