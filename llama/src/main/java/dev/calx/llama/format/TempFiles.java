package dev.calx.llama.format;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temporary files and directories for write-then-rename, the write-then-rename itself
 * ({@link #writeAtomically}), and the parent directories of an output. Not
 * {@code Files.createTempFile}: that makes the file
 * owner-only (rw-------), and the rename hands the finished checkpoint those rights. A fresh
 * random name created with {@code CREATE_NEW} gets the mode any new file gets (rw-r--r-- under
 * the usual umask 022).
 */
public final class TempFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TempFiles() {}

    /**
     * Creates an empty file beside the target, named {@code TARGET.<random hex>.tmp}.
     *
     * @param target the file that will replace it; its directory must exist
     * @return the new, empty file; the caller writes it, then renames or deletes it
     * @throws IOException when the file cannot be created
     */
    public static Path createBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        return create(dir, target.getFileName() + ".", ".tmp", false);
    }

    /**
     * Creates an empty directory {@code PREFIX<random hex>} in dir, with the mode any new directory
     * gets (not {@code Files.createTempDirectory}'s rwx------).
     *
     * @param dir    an existing directory
     * @param prefix the start of the name
     * @return the new directory
     * @throws IOException when it cannot be created
     */
    public static Path createDirectoryIn(Path dir, String prefix) throws IOException {
        return create(dir, prefix, "", true);
    }

    private static Path create(Path dir, String prefix, String suffix, boolean directory) throws IOException {
        while (true) {
            Path t = dir.resolve(prefix + Long.toHexString(RANDOM.nextLong() >>> 1) + suffix);
            try {
                return directory ? Files.createDirectory(t) : Files.createFile(t);
            } catch (FileAlreadyExistsException taken) {
                // another writer's (or an earlier crash's): draw another name and leave theirs alone
            }
        }
    }

    /**
     * Writes bytes to a temporary file beside the target ({@link #createBeside}), then renames it
     * over the target in one atomic move, so that a reader (or a crash) never sees half of it.
     * Parent directories are created ({@link #createParentDirectories}). The file gets the mode any
     * new file gets; the temporary file is deleted when anything fails.
     *
     * @param target  the file to create or replace
     * @param content the bytes
     * @throws IOException when the file cannot be written, a directory on its path is a file, or
     *                     the file system cannot rename atomically
     *                     ({@link java.nio.file.AtomicMoveNotSupportedException})
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        createParentDirectories(target);
        Path tmp = createBeside(target);
        try {
            Files.write(tmp, content);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates the directory a file is to be written in, with its parents. Where a component of
     * that path is a file, the error says so ({@code Files.createDirectories} says only
     * "PATH: already exists").
     *
     * @param file the file to be written
     * @throws java.nio.file.NotDirectoryException naming the component that is a file
     * @throws IOException when a directory cannot be created
     */
    public static void createParentDirectories(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) return;
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d)) {
                if (!Files.isDirectory(d)) {
                    throw new java.nio.file.NotDirectoryException(d + " (to hold " + file.getFileName() + ") is a file, not a directory");
                }
                break;
            }
        }
        Files.createDirectories(dir);
    }
}
