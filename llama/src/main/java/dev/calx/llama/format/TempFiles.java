package dev.calx.llama.format;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temporary files for write-then-rename. Not {@code Files.createTempFile}: that makes the file
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
        while (true) {
            Path t = dir.resolve(target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                return Files.createFile(t);
            } catch (FileAlreadyExistsException taken) {
                // another writer's temporary file: draw another name and leave theirs alone
            }
        }
    }
}
