package dev.calx.decode.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.generate.BatchStep;
import dev.calx.decode.grade.MathGrader;
import dev.calx.decode.testing.PromptAwareModel;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.TestTokenizer;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaBatch;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched evaluation with a real (tiny, random) Llama model: the harness's batched steps give
 * the same greedy transcripts at batch 1 and batch 8, with tool calls, continuous batching and
 * problems that run Python while the others decode.
 */
class BatchedEvalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUM = Pattern.compile("What is (\\d+) plus (\\d+)\\?");
    private static final int FREE = 10;

    @TempDir
    Path dir;

    /**
     * A random Llama model steered into ToRA's shape: after the prompt it writes FREE tokens of
     * its own (greedy over the model's logits, backticks and special tokens masked), then is
     * forced to write a python block for the question and ask for its output; after the output
     * another FREE tokens of its own, then a forced \boxed{sum} (wrong for 13) and EOS. The free
     * tokens come from the real forward, so any difference in the batched numbers would show in
     * the transcripts.
     */
    static final class SteeredLlama implements SessionFactory {
        final LlamaModel model = LlamaModel.of(LlamaWeights.random(
                new LlamaConfig(48, 96, 2, 6, 2, TestTokenizer.plain().vocabSize(), 1e-5f, 10000f, 1024, false, 1, 2), DType.F32, 11));
        final TestTokenizer tok = TestTokenizer.plain();
        final int backtick = tok.id("`");

        final class Steered implements InferenceSession {
            final InferenceSession inner = model.newSession();
            final List<Integer> tokens = new ArrayList<>();
            int promptLength = -1;

            @Override public int position() { return inner.position(); }
            @Override public int maxLength() { return inner.maxLength(); }
            @Override public int vocabSize() { return inner.vocabSize(); }

            @Override
            public float[] append(int... ts) {
                return steer(inner.append(ts), ts);
            }

            float[] steer(float[] logits, int... ts) {
                if (promptLength < 0) promptLength = ts.length;
                for (int t : ts) tokens.add(t);
                String text = tok.decode(tokens.subList(promptLength, tokens.size()).stream().mapToInt(Integer::intValue).toArray());
                String prompt = tok.decode(tokens.subList(0, promptLength).stream().mapToInt(Integer::intValue).toArray());
                Matcher m = SUM.matcher(prompt);
                if (!m.find()) throw new IllegalStateException("not a sum question: " + prompt);
                long a = Long.parseLong(m.group(1)), b = Long.parseLong(m.group(2));
                String code = "\n```python\nprint(" + a + " + " + b + ")\n```\n```output";
                String tail = " \\boxed{" + (a == 13 ? 0 : a + b) + "}";
                int out = text.indexOf("```output\n");
                String forced;
                int done;
                if (out < 0) {
                    forced = code;
                    done = text.length() - FREE;
                } else {
                    int end = text.indexOf("\n```\n", out + 10);
                    forced = tail;
                    done = end < 0 ? -1 : text.length() - (end + 5) - FREE;
                }
                float[] l = logits.clone();
                if (done < 0) { // the model's own choice, among printable characters other than the backtick
                    l[0] = l[1] = l[2] = l[backtick] = Float.NEGATIVE_INFINITY;
                    return l;
                }
                int next = done < forced.length() ? tok.id(String.valueOf(forced.charAt(done))) : TestTokenizer.EOS;
                l[next] = 1e9f;
                return l;
            }

            @Override
            public void rollback(int p) {
                inner.rollback(p);
                while (tokens.size() > p) tokens.removeLast();
            }

            @Override public InferenceSession fork() { throw new UnsupportedOperationException(); }
            @Override public void close() { inner.close(); }
        }

        @Override
        public InferenceSession newSession() {
            return new Steered();
        }

        @Override
        public Tokenizer tokenizer() {
            return tok;
        }

        @Override
        public BatchStep batchStep(int maxSequences) {
            LlamaBatch batch = new LlamaBatch(model, maxSequences);
            return (sessions, ts) -> {
                List<InferenceSession> inner = sessions.stream().map(s -> ((Steered) s).inner).toList();
                float[][] logits = batch.step(inner, ts);
                for (int i = 0; i < logits.length; i++) logits[i] = ((Steered) sessions.get(i)).steer(logits[i], ts[i]);
                return logits;
            };
        }
    }

    private static RecordingExecutor sumExecutor() {
        Pattern p = Pattern.compile("print\\((\\d+) \\+ (\\d+)\\)");
        return new RecordingExecutor((code, n) -> {
            Matcher m = p.matcher(code);
            return m.find() ? ExecutionResult.ok((Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))) + "\n")
                    : ExecutionResult.error("", "unsupported cell");
        });
    }

    private List<Problem> problems(int n) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 10; i < 10 + n; i++) {
            rows.add(JSON.writeValueAsString(Map.of("question", "What is " + i + " plus " + (2 * i) + "?", "answer", "#### " + 3 * i)));
        }
        Path f = dir.resolve("q.jsonl");
        Files.write(f, rows);
        return new ProblemReader(null, null).read(f);
    }

    private static EvalHarness harness(int batch) {
        return new EvalHarness(new EvalHarness.Config(Formats.get("tora"), SolveOptions.greedy(4), batch, new MathGrader(), true));
    }

    private static Map<String, String> byId(Path f) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String l : Files.readAllLines(f)) {
            JsonNode n = JSON.readTree(l);
            m.put(n.get("id").asText(), n.get("prediction").asText() + "|" + n.get("correct") + "|" + n.get("decode_tokens")
                    + "|" + n.get("output").asText());
        }
        return m;
    }

    @Test
    void batch1AndBatch8GiveIdenticalGreedyTranscriptsWithARealModelAndToolCalls() throws IOException {
        List<Problem> problems = problems(13);
        Path one = dir.resolve("b1.jsonl"), eight = dir.resolve("b8.jsonl");
        EvalSummary s1 = harness(1).run(problems, new SteeredLlama(), sumExecutor(), one, null);
        EvalSummary s8 = harness(8).run(problems, new SteeredLlama(), sumExecutor(), eight, null);
        assertEquals(byId(one), byId(eight));
        assertEquals(12, s8.correct(), "wrong exactly on 13 + 26");
        assertEquals(13, s8.toolCalls());
        assertEquals(1.0, s1.meanBatch(), 1e-12);
        assertTrue(s8.meanBatch() > 3, "sequences shared steps: " + s8.meanBatch());
        for (String out : byId(eight).values()) {
            String transcript = out.split("\\|", 4)[3];
            int free = transcript.indexOf("\n```python");
            assertTrue(free >= FREE, "the model wrote its own text first: " + transcript);
            assertTrue(transcript.contains("```output\n") && transcript.contains("\\boxed{"), transcript);
        }
        double split = s8.forwardWallSeconds() + s8.pythonWallSeconds() + s8.pythonStartupSeconds() + s8.otherWallSeconds();
        assertEquals(s8.wallSeconds(), split, 1e-9, "the four parts add up to the wall time");
        assertTrue(s8.forwardWallSeconds() > 0);
    }

    @Test
    void aProblemRunningPythonDoesNotHoldUpTheOthers() throws IOException, InterruptedException {
        // Problem 10's cell returns only after every other problem has finished; if the batch
        // waited for it, this would never happen (the latch would time out and the cell fail).
        List<Problem> problems = problems(6);
        CountDownLatch othersDone = new CountDownLatch(5);
        boolean[] waited = {false};
        PythonExecutor blocking = new PythonExecutor() {
            @Override
            public ExecutionResult execute(String sessionId, String code) {
                if (code.contains("print(10 + 20)")) {
                    try {
                        waited[0] = othersDone.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return ExecutionResult.ok("30\n");
                }
                Matcher m = Pattern.compile("print\\((\\d+) \\+ (\\d+)\\)").matcher(code);
                if (!m.find()) throw new IllegalStateException(code);
                return ExecutionResult.ok((Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))) + "\n");
            }

            @Override
            public void closeSession(String sessionId) {
                if (!sessionId.startsWith("line-1/")) othersDone.countDown();
            }
        };
        EvalSummary s = harness(3).run(problems, new SteeredLlama(), blocking, dir.resolve("o.jsonl"), null);
        assertTrue(waited[0], "the other five problems finished while problem 1 was in Python");
        assertEquals(5, s.correct(), "wrong exactly on 13 + 26");
    }

    @Test
    void scriptedSessionsAreBatchedThroughTheSequentialStep() throws IOException {
        List<Problem> problems = problems(5);
        PromptAwareModel model = new PromptAwareModel(TestTokenizer.plain(), prompt -> {
            Matcher m = SUM.matcher(prompt);
            m.find();
            return List.of("```python\nprint(" + m.group(1) + " + " + m.group(2) + ")\n```\n```output",
                    "So \\boxed{" + (Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))) + "}.");
        });
        EvalSummary s = harness(4).run(problems, model, sumExecutor(), null, null);
        assertEquals(5, s.correct());
        assertTrue(s.meanBatch() >= 1, Arrays.toString(new double[]{s.meanBatch()}));
    }
}
