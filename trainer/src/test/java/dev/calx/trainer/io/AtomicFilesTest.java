package dev.calx.trainer.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Write-then-rename: the result, its mode, and the error when the directory is a file. */
class AtomicFilesTest {
    @Test
    void writesCreatesDirectoriesReplacesAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a/b/data.jsonl");
        AtomicFiles.writeString(f, "one\n");
        AtomicFiles.writeString(f, "two\n");
        assertEquals("two\n", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void theFileGetsTheModeOfAPlainNewFile(@TempDir Path dir) throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path f = dir.resolve("written");
        AtomicFiles.writeString(f, "x");
        try {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("not a POSIX file system: " + e.getMessage());
        }
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsNamed(@TempDir Path dir) throws IOException {
        Path notDir = Files.writeString(dir.resolve("out"), "keep me");
        NotDirectoryException e = assertThrows(NotDirectoryException.class,
                () -> AtomicFiles.writeString(notDir.resolve("sub/manifest.json"), "{}"));
        assertTrue(e.getMessage().contains(notDir.toString()) && e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("keep me", Files.readString(notDir));
    }
}
