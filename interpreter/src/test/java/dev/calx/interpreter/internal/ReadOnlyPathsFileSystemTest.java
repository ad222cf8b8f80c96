package dev.calx.interpreter.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadOnlyPathsFileSystemTest {
    @TempDir Path tmp;

    @Test
    void readsFilesBelowAnAllowedRoot() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib/pkg"));
        Files.writeString(lib.resolve("m.py"), "x = 1\n");
        var fs = new ReadOnlyPathsFileSystem(List.of(tmp.resolve("lib")));
        try (SeekableByteChannel ch = fs.newByteChannel(lib.resolve("m.py"), Set.of(StandardOpenOption.READ))) {
            assertEquals(6, ch.size());
        }
        try (DirectoryStream<Path> ds = fs.newDirectoryStream(lib, p -> true)) {
            assertTrue(ds.iterator().hasNext());
        }
        fs.checkAccess(lib.resolve("m.py"), Set.of(AccessMode.READ));
    }

    @Test
    void deniesPathsOutsideTheRootsIncludingDotDot() throws Exception {
        Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(tmp.resolve("secret.txt"), "s");
        var fs = new ReadOnlyPathsFileSystem(List.of(tmp.resolve("lib")));
        assertThrows(SecurityException.class,
                () -> fs.newByteChannel(tmp.resolve("secret.txt"), Set.of(StandardOpenOption.READ)));
        assertThrows(SecurityException.class,
                () -> fs.newByteChannel(tmp.resolve("lib/../secret.txt"), Set.of(StandardOpenOption.READ)));
        assertThrows(SecurityException.class, () -> fs.newDirectoryStream(Path.of("/"), p -> true));
        assertThrows(SecurityException.class, () -> fs.readAttributes(Path.of("/etc/passwd"), "*"));
    }

    @Test
    void relativePathsResolveAgainstItsOwnWorkingDirectoryNotTheHosts() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(lib.resolve("m.py"), "x = 1\n");
        Path host = Path.of("").toAbsolutePath();
        var fs = new ReadOnlyPathsFileSystem(List.of(lib, host));
        assertEquals(Path.of("/m.py"), fs.toAbsolutePath(Path.of("m.py")));
        // the host's working directory is a root here, yet a relative name does not reach into it
        assertThrows(SecurityException.class, () -> fs.readAttributes(Path.of("pom.xml"), "*"));
        fs.setCurrentWorkingDirectory(lib);
        assertEquals(lib.resolve("m.py"), fs.toAbsolutePath(Path.of("m.py")));
        try (SeekableByteChannel ch = fs.newByteChannel(Path.of("m.py"), Set.of(StandardOpenOption.READ))) {
            assertEquals(6, ch.size());
        }
        assertThrows(IllegalArgumentException.class, () -> fs.setCurrentWorkingDirectory(Path.of("rel")));
    }

    @Test
    void deniesASymlinkThatLeadsOutOfARoot() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(tmp.resolve("secret.txt"), "s");
        Files.createSymbolicLink(lib.resolve("link.txt"), tmp.resolve("secret.txt"));
        var fs = new ReadOnlyPathsFileSystem(List.of(lib));
        assertThrows(SecurityException.class,
                () -> fs.newByteChannel(lib.resolve("link.txt"), Set.of(StandardOpenOption.READ)));
    }

    @Test
    void deniesEveryWriteEvenInsideARoot() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        var fs = new ReadOnlyPathsFileSystem(List.of(lib));
        assertThrows(SecurityException.class, () -> fs.newByteChannel(lib.resolve("new.py"),
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE)));
        assertThrows(SecurityException.class, () -> fs.createDirectory(lib.resolve("d")));
        assertThrows(SecurityException.class, () -> fs.delete(lib));
        assertThrows(SecurityException.class, () -> fs.checkAccess(lib, Set.of(AccessMode.WRITE)));
        assertTrue(Files.list(lib).findAny().isEmpty());
    }
}
