package dev.calx.trainer.io;

import dev.calx.llama.format.TempFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes files so that a reader (or a crash) never sees half of one: temp file, then rename ({@link TempFiles#writeAtomically}). */
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
     * atomic move. Parent directories are created. The file gets the mode any new file gets
     * (rw-r--r-- under the usual umask 022; see {@link TempFiles}).
     *
     * @param target  the file to create or replace
     * @param content the bytes
     * @throws IOException when the file cannot be written, a directory on its path is a file, or
     *                     the file system cannot rename atomically
     *                     ({@link java.nio.file.AtomicMoveNotSupportedException})
     */
    public static void write(Path target, byte[] content) throws IOException {
        TempFiles.writeAtomically(target, content);
    }
}
