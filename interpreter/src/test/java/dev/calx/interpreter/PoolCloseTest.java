package dev.calx.interpreter;

import dev.calx.interpreter.internal.WorkerProcess;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close() kills every worker process, even when it races with a worker replacement. */
class PoolCloseTest {
    @Test
    void aReplacementThatSeesCloseDoesNotDropTheSpareUnkilled() throws Exception {
        PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withPreimportSympy(false).withWorkers(1).withSpareWorkers(1).withMemoryMb(256));
        WorkerProcess spare = null;
        try {
            py.awaitReady();
            @SuppressWarnings("unchecked")
            Deque<CompletableFuture<WorkerProcess>> spares = (Deque<CompletableFuture<WorkerProcess>>) field(py, "spares").get(py);
            synchronized (spares) {
                spare = spares.peekFirst().get(1, TimeUnit.MINUTES);
            }
            assertTrue(spare.alive());
            // The interleaving under test: close() has set `closed` but not yet reached the spares
            // when a cell's timeout asks for a replacement.
            field(py, "closed").setBoolean(py, true);
            Method replacement = PythonInterpreter.class.getDeclaredMethod("replacement");
            replacement.setAccessible(true);
            CompletableFuture<?> got = (CompletableFuture<?>) replacement.invoke(py);
            assertNotNull(got);
            assertTrue(got.isCompletedExceptionally(), "a closed interpreter hands out no worker");
            py.close();
            assertTrue(spare.pid() > 0);
            assertFalse(waitGone(spare), "spare worker " + spare.pid() + " still runs after close()");
        } finally {
            py.close();
            if (spare != null) spare.kill();
        }
    }

    /** Whether the worker is still alive after up to 5 s. */
    private static boolean waitGone(WorkerProcess w) throws InterruptedException {
        for (int i = 0; i < 50 && w.alive(); i++) Thread.sleep(100);
        return w.alive();
    }

    private static Field field(Object o, String name) throws NoSuchFieldException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
