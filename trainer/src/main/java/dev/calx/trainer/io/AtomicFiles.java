package dev.calx.trainer.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that a reader (or a crash) never sees half of one: temp file, then rename. */
public final class AtomicFiles {
    private AtomicFiles() { }

    /**
     * Writes a string as UTF-8, atomically (see {@link #write}).
     *
     * @param target  the file to create or replace
     * @param content the text
     * @throws IOException when the file cannot be written or renamed into place
     */
    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes bytes to a temporary file beside the target, then renames it over the target in one
     * atomic move. Parent directories are created; on POSIX file systems the file ends up rw-r--r--.
     *
     * @param target  the file to create or replace
     * @param content the bytes
     * @throws IOException when the file cannot be written, or the file system cannot rename
     *                     atomically ({@link java.nio.file.AtomicMoveNotSupportedException})
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            // createTempFile makes the file owner-only; data and checkpoints are meant to be shared
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
