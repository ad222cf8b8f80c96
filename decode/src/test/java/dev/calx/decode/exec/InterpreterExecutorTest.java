package dev.calx.decode.exec;

import dev.calx.interpreter.InterpreterOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter over the real GraalPy interpreter: state per session id, errors, isolation. */
class InterpreterExecutorTest {
    @Test
    void cellsOfOneSessionShareStateAndSessionsAreIsolated() {
        InterpreterOptions d = InterpreterOptions.defaults();
        InterpreterOptions o = new InterpreterOptions(Duration.ofSeconds(20), d.maxOutput(), d.pythonPath(), 1, 0,
                d.memoryMb(), d.stackMb(), false, d.graalJitDir(), d.startupTimeout(), d.classArchiveDir());
        try (InterpreterExecutor ex = new InterpreterExecutor(o)) {
            ex.start(); // waits for the worker; a second call returns at once
            ex.start();
            ExecutionResult a = ex.execute("p1", "x = 6 * 7\nprint(x)");
            assertNull(a.error(), a.toString());
            assertEquals("42", a.display());
            assertEquals("84", ex.execute("p1", "print(x * 2)").display());
            ExecutionResult other = ex.execute("p2", "print(x)");
            assertTrue(other.failed());
            assertTrue(other.display().startsWith("NameError"), other.display());
            ex.closeSession("p1");
            ExecutionResult fresh = ex.execute("p1", "print(x)");
            assertTrue(fresh.failed(), "a closed session's state is gone");
            ExecutionResult empty = ex.execute("p3", "y = 1");
            assertTrue(empty.empty());
            assertFalse(empty.failed());
        }
    }
}
