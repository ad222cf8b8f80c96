package dev.calx.decode.exec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionResultTest {
    @Test
    void aTimeoutWithoutErrorTextDisplaysTheTimeoutMessage() {
        // custom executors may build a timed-out result without error text through the constructor
        ExecutionResult r = new ExecutionResult("partial\n", null, true, false);
        assertTrue(r.failed());
        assertEquals(ExecutionResult.timeout("").display(), r.display());
        assertEquals("Timeout Error", r.display());
        assertFalse(r.empty(), "a timeout is not an empty result");
    }

    @Test
    void displayShowsTheOutputOrTheLastErrorLine() {
        assertEquals("42", ExecutionResult.ok("42\n\n").display());
        assertEquals("NameError: name 'x' is not defined",
                ExecutionResult.error("printed\n", "Traceback (most recent call last):\n  ...\nNameError: name 'x' is not defined\n").display());
        assertEquals("Timeout Error", ExecutionResult.timeout("x").display());
        assertTrue(new ExecutionResult(null, null, false, false).empty());
        assertEquals("", new ExecutionResult(null, null, false, false).display());
    }
}
