package dev.calx.solver;

import org.junit.jupiter.api.Test;

import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a failure becomes the one line after "calx: ". */
class DescribeTest {
    @Test
    void anOutOfMemoryErrorAnywhereInTheChainSaysTheHeapLimitAndWhatToDo() {
        // an eval worker thread's OutOfMemoryError reached the user as "java.lang.OutOfMemoryError: Java heap space"
        String s = Main.describe(new IllegalStateException(new java.util.concurrent.ExecutionException(new OutOfMemoryError("Java heap space"))));
        assertTrue(s.startsWith("out of memory: the Java heap limit is " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB."), s);
        assertTrue(s.contains("CALX_JAVA_OPTS=-Xmx<size>") && s.contains("--batch"), s);
        assertEquals("x.jsonl: no such file or directory", Main.describe(new NoSuchFileException("x.jsonl")));
        assertEquals("bad", Main.describe(new IllegalArgumentException("bad")));
    }
}
