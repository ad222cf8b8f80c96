package dev.calx.interpreter.internal;

import dev.calx.interpreter.InterpreterOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerMainTest {
    @Test
    void pythonStackDefaultsToTheOptionsDefaultWhenThePropertyIsMissing() {
        assertEquals((long) InterpreterOptions.defaults().stackMb() << 20, WorkerMain.pythonStackBytes(null));
        assertEquals(64L << 20, WorkerMain.pythonStackBytes("64"));
    }
}
