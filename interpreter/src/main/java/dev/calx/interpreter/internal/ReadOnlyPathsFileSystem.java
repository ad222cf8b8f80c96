package dev.calx.interpreter.internal;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only file system Python code sees: read-only, and only below the given library roots
 * (sympy's directory and any extra python path). Everything else (/etc/passwd, /, /tmp) is
 * denied with a SecurityException, which GraalPy reports as PermissionError. Symbolic links are
 * resolved before the check, so a link inside a root cannot lead out of it.
 *
 * <p>Relative paths resolve against this file system's own working directory, {@code /} unless
 * the context sets another, never the host process's: Python's {@code os.getcwd()} shows
 * {@code /}, and {@code open('x')} asks for {@code /x} (denied like any path outside the roots),
 * so the directory calx was started in is neither shown nor reachable.
 */
public final class ReadOnlyPathsFileSystem implements FileSystem {
    private final FileSystem delegate = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
    private final List<Path> roots = new ArrayList<>();
    private volatile Path cwd = Path.of("/");

    public ReadOnlyPathsFileSystem(List<Path> allowedRoots) {
        for (Path root : allowedRoots) {
            Path abs = root.toAbsolutePath().normalize();
            roots.add(abs);
            try {
                Path real = abs.toRealPath();
                if (!real.equals(abs)) roots.add(real);
            } catch (IOException ignored) {
                // a missing root simply allows nothing
            }
        }
    }

    private Path check(Path path) throws IOException {
        Path abs = toAbsolutePath(path).normalize();
        if (!inRoots(abs)) throw denied(path);
        Path real;
        try {
            real = abs.toRealPath();
        } catch (NoSuchFileException e) {
            return abs;
        }
        if (!inRoots(real)) throw denied(path);
        return abs;
    }

    private boolean inRoots(Path p) {
        for (Path r : roots) if (p.startsWith(r)) return true;
        return false;
    }

    private static SecurityException denied(Path p) {
        return new SecurityException("sandbox: no access to " + p + " (only read access to the python library paths)");
    }

    @Override public Path parsePath(URI uri) { return delegate.parsePath(uri); }
    @Override public Path parsePath(String path) { return delegate.parsePath(path); }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
            // still deny outside the roots first, so the message names the real reason
            check(path);
            throw new SecurityException("sandbox: read-only file system: " + path);
        }
        delegate.checkAccess(check(path), modes, options);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new SecurityException("sandbox: read-only file system: cannot create " + dir);
    }

    @Override
    public void delete(Path path) {
        throw new SecurityException("sandbox: read-only file system: cannot delete " + path);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) {
                throw new SecurityException("sandbox: read-only file system: cannot open " + path + " for " + o);
            }
        }
        return delegate.newByteChannel(check(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return delegate.newDirectoryStream(check(dir), filter);
    }

    @Override public Path toAbsolutePath(Path path) { return path.isAbsolute() ? path : cwd.resolve(path); }

    @Override
    public void setCurrentWorkingDirectory(Path dir) {
        if (!dir.isAbsolute()) throw new IllegalArgumentException("sandbox: working directory must be absolute: " + dir);
        cwd = dir.normalize();
    }

    @Override
    public Path toRealPath(Path path, LinkOption... options) throws IOException {
        return delegate.toRealPath(check(path), options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return delegate.readAttributes(check(path), attributes, options);
    }
}
