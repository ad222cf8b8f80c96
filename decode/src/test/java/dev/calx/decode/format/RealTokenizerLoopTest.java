package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.generate.Decoder;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.sample.Sampler;
import dev.calx.decode.sample.SamplerConfig;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.ScriptedSession;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ToRA loop with the real Llama 2 SentencePiece tokenizer (dummy-prefix space, merges across
 * what the loop appends): the KV cache must still hold exactly prompt + transcript.
 */
class RealTokenizerLoopTest {
    private static Tokenizer llama() throws IOException {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/tokenizers/llama2/tokenizer.model");
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return SentencePieceTokenizer.load(p);
    }

    @Test
    void continuationEncodingAddsNoSpaceAndRoundTrips() throws IOException {
        Tokenizer tok = llama();
        Decoder d = new Decoder(new ScriptedSession(List.of(), tok.vocabSize(), tok.eosId(), 4096), tok,
                new Sampler(SamplerConfig.greedy()), new GenerationStats());
        int[] prompt = tok.encode("<|user|>\nWhat is 6 times 7?\n<|assistant|>\n", true);
        for (String cont : List.of("```output\n42\n```\n", "\n```output\nNameError: x\n```\n", "The answer is 42.", " spaced")) {
            int[] ids = d.encodeContinuation(cont);
            int[] all = Arrays.copyOf(prompt, prompt.length + ids.length);
            System.arraycopy(ids, 0, all, prompt.length, ids.length);
            assertEquals(tok.decode(prompt) + cont, tok.decode(all), "continuation " + cont);
        }
    }

    @Test
    void toraLoopKeepsTheCacheEqualToPromptPlusTranscript() throws IOException {
        Tokenizer tok = llama();
        String step1 = "Let's compute.\n```python\nx = 6 * 7\nprint(x)\n```\n```output";
        String step2 = "So the answer is $\\boxed{42}$.";
        List<ScriptedSession> sessions = new ArrayList<>();
        SessionFactory model = new SessionFactory() {
            @Override
            public InferenceSession newSession() {
                // The scripted model emits the tokens a model would: the step texts as continuations.
                Decoder enc = new Decoder(new ScriptedSession(List.of(), tok.vocabSize(), tok.eosId(), 1), tok,
                        new Sampler(SamplerConfig.greedy()), new GenerationStats());
                ScriptedSession s = new ScriptedSession(List.of(enc.encodeContinuation(step1), enc.encodeContinuation(step2)),
                        tok.vocabSize(), tok.eosId(), 4096);
                sessions.add(s);
                return s;
            }

            @Override
            public Tokenizer tokenizer() {
                return tok;
            }
        };
        Solution s = new ToraFormat().solve(model, new RecordingExecutor((c, n) -> ExecutionResult.ok("42\n")), "r1",
                "What is 6 times 7?", SolveOptions.greedy(4), TranscriptSink.NONE);
        assertEquals("Let's compute.\n```python\nx = 6 * 7\nprint(x)\n```\n```output\n42\n```\n" + step2, s.transcript());
        assertEquals("42", s.answer());
        String prompt = new ToraFormat().renderPrompt("What is 6 times 7?");
        assertEquals(tok.decode(tok.encode(prompt, true)) + s.transcript(), tok.decode(sessions.getFirst().history()));
        assertArrayEquals(tok.encode(prompt, true), sessions.getFirst().appends().getFirst());
    }
}
