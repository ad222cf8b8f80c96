package dev.calx.decode.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** One writer per output, across processes; a killed holder leaves no stale lock. */
class OutputLockTest {
    @TempDir
    Path dir;

    /** Run in a child JVM: takes the lock, says so, and holds it until killed or stdin closes. */
    public static final class Holder {
        public static void main(String[] a) throws Exception {
            try (OutputLock l = OutputLock.acquire(Path.of(a[0]), "the test output")) {
                System.out.println("held");
                System.out.flush();
                System.in.read();
            }
        }
    }

    @Test
    void asecondProcessIsToldWhoHoldsItAndGetsItOnceTheHolderIsKilled() throws Exception {
        Path lock = dir.resolve("out/.calx.lock");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), lock.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null && !line.equals("held")) { /* JVM warnings */ }
            assertEquals("held", line, "the child took the lock");
            IOException e = assertThrows(IOException.class, () -> OutputLock.acquire(lock, "the eval output x.jsonl"));
            assertTrue(e.getMessage().startsWith("the eval output x.jsonl is in use by another run (pid " + child.pid() + ", started "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(lock.toString()), e.getMessage());
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        // killed, not closed: the operating system dropped its lock
        try (OutputLock l = OutputLock.acquire(lock, "the test output")) {
            assertTrue(Files.readString(lock).startsWith("pid " + ProcessHandle.current().pid() + ", started "),
                    "the new holder is named in the file: " + Files.readString(lock));
        }
        try (OutputLock again = OutputLock.acquire(lock, "the test output")) {
            assertTrue(Files.exists(again.file()), "released on close, and the file stays");
        }
    }

    @Test
    void aSecondRunInTheSameJvmIsRefusedToo() throws IOException {
        Path lock = dir.resolve(".r.jsonl.lock");
        try (OutputLock l = OutputLock.acquire(lock, "the eval output r.jsonl")) {
            IOException e = assertThrows(IOException.class, () -> OutputLock.acquire(lock, "the eval output r.jsonl"));
            assertTrue(e.getMessage().contains("is in use by another run (pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void theEvalLockIsAHiddenFileBesideTheOutput() {
        Path out = dir.resolve("runs/gsm8k.jsonl");
        assertEquals(dir.resolve("runs/.gsm8k.jsonl.lock"), EvalHarness.lockFile(out));
    }
}
