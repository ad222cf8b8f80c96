package dev.calx.decode.eval;

import dev.calx.llama.format.TempFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per output: an exclusive lock on a small file beside (or inside) what a run writes,
 * so that a second {@code calx eval} on the same results file, or a second {@code calx train} on
 * the same {@code --out}, stops at once with an error instead of interleaving records or
 * deleting the first run's half-written checkpoint.
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}, {@code fcntl} on
 * Linux): it goes away with the process however it ends, so a killed run leaves no stale lock
 * to clear by hand. The file itself holds the holder's pid and start time, for the error message,
 * and is left in place when the lock is released: deleting it would let a process that opened
 * it just before the delete lock a file no one else can see.
 */
public final class OutputLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the lock file (and its directory) when needed.
     *
     * @param lockFile the lock file, e.g. {@code OUT/.calx.lock} or {@code .results.jsonl.lock}
     * @param what     what it guards, for the error message (e.g. {@code "the eval output
     *                 results.jsonl"})
     * @return the held lock; close it to release
     * @throws IOException when another process (or another run in this one) holds it: the
     *                     message names what, the lock file, and the holder's pid and start time
     *                     as it wrote them; or when the file cannot be created
     */
    public static OutputLock acquire(Path lockFile, String what) throws IOException {
        TempFiles.createParentDirectories(lockFile);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            String holder = holder(ch);
            ch.close();
            throw new IOException(what + " is in use by another run (" + (holder.isEmpty() ? "holder unknown" : holder)
                    + ", lock " + lockFile + "); wait for it to finish, or write elsewhere");
        }
        try {
            byte[] me = ("pid " + ProcessHandle.current().pid() + ", started " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me), 0);
            ch.force(false);
        } catch (IOException e) {
            l.release();
            ch.close();
            throw e;
        }
        return new OutputLock(lockFile, ch, l);
    }

    /** What the holder wrote into the lock file (its pid and start time), or "" when unreadable. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            int n = ch.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** {@return the lock file} */
    public Path file() {
        return file;
    }

    /** Releases the lock (the file stays; see the class comment). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
