package dev.calx.decode.testing;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A deterministic stand-in for the interpreter in loop tests. It does not run Python: it answers
 * each cell with a function of (cell text, number of earlier cells in the same session), so a
 * test can see that a problem's cells share one session, and records every call.
 */
public final class RecordingExecutor implements PythonExecutor {
    public record Call(String sessionId, String code) {}

    private final BiFunction<String, Integer, ExecutionResult> answer;
    private final Map<String, Integer> cellsPerSession = new HashMap<>();
    public final List<Call> calls = new ArrayList<>();
    public final List<String> closed = new ArrayList<>();

    public RecordingExecutor(BiFunction<String, Integer, ExecutionResult> answer) {
        this.answer = answer;
    }

    @Override
    public synchronized ExecutionResult execute(String sessionId, String code) {
        calls.add(new Call(sessionId, code));
        int earlier = cellsPerSession.merge(sessionId, 1, Integer::sum) - 1;
        return answer.apply(code, earlier);
    }

    @Override
    public synchronized void closeSession(String sessionId) {
        closed.add(sessionId);
        cellsPerSession.remove(sessionId);
    }
}
