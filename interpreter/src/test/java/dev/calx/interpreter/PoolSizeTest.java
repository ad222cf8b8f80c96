package dev.calx.interpreter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pool whose heaps could not fit in the machine is refused before a process starts. */
class PoolSizeTest {
    private static final long GIB = 1L << 30;

    @Test
    void workersAndSparesTimesTheHeapLimitMustFitInMemory() {
        InterpreterOptions o = InterpreterOptions.defaults().withWorkers(7).withSpareWorkers(1).withMemoryMb(1024);
        assertDoesNotThrow(() -> PythonInterpreter.checkFitsInMemory(o, 8 * GIB));
        var e = assertThrows(IllegalArgumentException.class, () -> PythonInterpreter.checkFitsInMemory(o.withWorkers(8), 8 * GIB));
        assertTrue(e.getMessage().equals("8 Python worker(s) and 1 spare(s) with a 1024 MiB heap each could take 9216 MiB,"
                + " more than this machine's 8192 MiB of memory: use fewer workers"), e.getMessage());
        assertDoesNotThrow(() -> PythonInterpreter.checkFitsInMemory(o.withWorkers(100_000), 0), "unknown memory: nothing checked");
    }

    @Test
    void aHundredThousandWorkersAreRefusedOnThisMachineWithoutStartingOne() {
        // calx eval --python-workers 100000 started JVMs until the kernel killed calx
        org.junit.jupiter.api.Assumptions.assumeTrue(PythonInterpreter.physicalMemoryBytes() > 0,
                "this JVM does not report the machine's memory (com.sun.management.OperatingSystemMXBean)");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new PythonInterpreter(InterpreterOptions.defaults().withWorkers(100_000)).close());
        assertTrue(e.getMessage().startsWith("100000 Python worker(s)"), e.getMessage());
    }
}
