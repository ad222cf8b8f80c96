package dev.calx.interpreter;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spares start only after the workers are up, so they do not share the cores with the workers' start. */
class SpareStartTest {
    private static long workerProcessesSince(Instant t0) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().startInstant().map(s -> !s.isBefore(t0.minusSeconds(1))).orElse(true))
                .filter(ProcessHandle::isAlive).count();
    }

    @Test
    void theSpareProcessStartsAfterTheWorkerIsReady() throws Exception {
        Instant t0 = Instant.now();
        try (PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withPreimportSympy(false).withWorkers(1).withSpareWorkers(1).withMemoryMb(256))) {
            CompletableFuture<Boolean> workers = CompletableFuture.supplyAsync(py::awaitWorkers);
            long most = 0;
            while (!workers.isDone()) {
                most = Math.max(most, workerProcessesSince(t0));
                Thread.sleep(20);
            }
            workers.join();
            assertTrue(most <= 1, "processes while the worker started: " + most);
            py.awaitReady();
            assertEquals(2, workerProcessesSince(t0), "the worker and then its spare");
            assertEquals("3\n", py.newSession().run("print(1 + 2)").output());
        }
    }
}
