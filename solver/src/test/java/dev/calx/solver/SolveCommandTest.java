package dev.calx.solver;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** calx solve's streaming with a scripted model (one character per token) and a canned executor. */
class SolveCommandTest {
    /** Ids: 0 BOS, 1 EOS, then char + 2 for chars below 256. Not a real vocabulary. */
    static final class CharTokenizer implements Tokenizer {
        public int vocabSize() { return 258; }
        public int bosId() { return 0; }
        public int eosId() { return 1; }
        public int[] encode(String text, boolean addBos) {
            int[] out = new int[text.length() + (addBos ? 1 : 0)];
            int i = 0;
            if (addBos) out[i++] = 0;
            for (char c : text.toCharArray()) out[i++] = (c & 0xFF) + 2;
            return out;
        }
        public String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) if (id >= 2) sb.append((char) (id - 2));
            return sb.toString();
        }
        public String piece(int id) { return decode(new int[] {id}); }
    }

    /** Emits the turns in order; any append other than its own last token starts the next turn. */
    static final class Scripted implements InferenceSession {
        final List<int[]> turns;
        final List<Integer> history = new ArrayList<>();
        int turn = -1, index;
        Scripted(List<int[]> turns) { this.turns = turns; }
        int expected() { return turn < 0 || turn >= turns.size() || index >= turns.get(turn).length ? 1 : turns.get(turn)[index]; }
        public int position() { return history.size(); }
        public int maxLength() { return 10_000; }
        public int vocabSize() { return 258; }
        public float[] append(int... tokens) {
            if (tokens.length == 1 && turn >= 0 && tokens[0] == expected()) index++;
            else { turn++; index = 0; }
            for (int t : tokens) history.add(t);
            float[] l = new float[258];
            Arrays.fill(l, -5f);
            l[expected()] = 5f;
            return l;
        }
        public void rollback(int p) { while (history.size() > p) history.removeLast(); }
        public InferenceSession fork() { throw new UnsupportedOperationException(); }
        public void close() {}
    }

    @Test
    void streamsCodeAndExecutionAndEndsWithTheAnswerLine() {
        CharTokenizer tok = new CharTokenizer();
        SessionFactory model = new SessionFactory() {
            public InferenceSession newSession() {
                return new Scripted(List.of(tok.encode("```python\nprint(6*7)\n```\n```output", false),
                        tok.encode("So $\\boxed{42}$.", false)));
            }
            public Tokenizer tokenizer() { return tok; }
        };
        PythonExecutor canned = new PythonExecutor() {
            public ExecutionResult execute(String sessionId, String code) {
                return ExecutionResult.ok(code.equals("print(6*7)\n") ? "42\n" : "unexpected cell");
            }
            public void closeSession(String sessionId) {}
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Solution s = SolveCommand.solve(Formats.get("tora"), model, canned, "What is 6*7?", SolveOptions.greedy(4), out, true);
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("42", s.answer());
        assertTrue(shown.contains("```python\nprint(6*7)\n```\n"), shown);
        assertTrue(shown.contains("\u001b[36m```output\n42\n```\n\u001b[0m"), "execution is highlighted: " + shown);
        assertTrue(shown.endsWith("\nAnswer: 42\n"), shown);
    }

    @Test
    void aFailedLastProgramIsReportedAsNoAnswerWithItsError() {
        CharTokenizer tok = new CharTokenizer();
        SessionFactory model = new SessionFactory() {
            public InferenceSession newSession() {
                return new Scripted(List.of(tok.encode("```python\nprint(years)\n```\n```output", false), tok.encode("", false)));
            }
            public Tokenizer tokenizer() { return tok; }
        };
        PythonExecutor failing = new PythonExecutor() {
            public ExecutionResult execute(String sessionId, String code) {
                return ExecutionResult.error("", "Traceback (most recent call last):\nNameError: name 'years' is not defined");
            }
            public void closeSession(String sessionId) {}
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Solution s = SolveCommand.solve(Formats.get("tora"), model, failing, "How many?", SolveOptions.greedy(4), out, false);
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("", s.answer(), shown);
        assertTrue(shown.endsWith("\nAnswer: (none: the last program failed: NameError: name 'years' is not defined)\n"), shown);
    }

    @Test
    void startUpIsTimedOnce() {
        List<String> events = new ArrayList<>();
        SolveCommand.StartTimed timed = new SolveCommand.StartTimed(new PythonExecutor() {
            public void start() { events.add("start"); }
            public ExecutionResult execute(String sessionId, String code) { events.add(code); return ExecutionResult.ok(""); }
            public void closeSession(String sessionId) {}
        });
        timed.start();
        timed.execute("s", "a");
        timed.start();
        timed.execute("s", "b");
        assertEquals(List.of("start", "a", "b"), events, "the inner executor is started once");
    }
}
