package dev.calx.interpreter.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker JVM's class-data-sharing archive (a JDK dynamic CDS archive): the classes a worker
 * loads, parsed and laid out once, so that later workers map them instead of reading and
 * verifying thousands of GraalPy and Truffle classes from their jars.
 *
 * <p>One file per worker configuration, {@code worker-<key>.jsa} in the archive directory; the key
 * hashes the JDK (home and version), every class-path jar's path, size and modification time and
 * the worker's JIT setting, so a rebuilt jar or another JDK gets its own file. When the file is
 * missing, the first worker this JVM starts writes it (the JVM's {@code -XX:ArchiveClassesAtExit},
 * into a temporary file, renamed into place by {@link Use#publish} once the worker exited
 * normally); the archives of other configurations are then deleted. The JDK archives classes
 * from jar files only, so a class path with a directory on it (a build's {@code target/classes})
 * uses no archive, and so does a jar whose manifest adds a {@code Class-Path}. A worker whose archive is refused by its JVM (another JDK build, say) runs
 * without it: the JVM checks that itself.
 */
final class ClassArchive {
    /** Archives that a worker of this JVM is writing (or tried to): one attempt each. */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    private static final Use NONE = new Use(List.of(), null, null);

    private ClassArchive() {}

    /** How one worker uses the archive: reads it, writes it, or neither. */
    static final class Use {
        private final List<String> flags;
        private final Path archive;
        private final Path tmp;

        private Use(List<String> flags, Path archive, Path tmp) {
            this.flags = flags;
            this.archive = archive;
            this.tmp = tmp;
        }

        /** {@return the archive file, or null when none is used} */
        Path path() { return archive; }

        /** {@return the JVM options for this worker} */
        List<String> jvmFlags() { return flags; }

        /** {@return whether the worker starts from an existing archive} */
        boolean reads() { return archive != null && tmp == null; }

        /** {@return whether the worker writes the archive when it exits} */
        boolean writes() { return tmp != null; }

        /**
         * After the writing worker exited normally: renames its archive into place and deletes
         * the archives of other configurations. Does nothing when it wrote none.
         */
        void publish() {
            if (tmp == null) return;
            try {
                if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) return;
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (DirectoryStream<Path> old = Files.newDirectoryStream(archive.getParent(), "worker-*.jsa")) {
                    for (Path p : old) if (!p.equals(archive)) Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a cache: without it the next worker starts as before
            }
        }

        /** Deletes the temporary archive if it is still there. */
        void discard() {
            if (tmp == null) return;
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // left for a later cleanup; its name says what it is
            }
        }
    }

    /** {@return how a new worker with this spec uses the archive} */
    static Use forWorker(WorkerProcess.Spec spec) {
        Path dir = spec.classArchiveDir();
        if (dir == null || spec.classPath() == null || spec.classPath().isBlank()) return NONE;
        List<Path> jars = new ArrayList<>();
        for (String e : spec.classPath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (!Files.isRegularFile(p) || !e.endsWith(".jar") || hasClassPathManifest(p)) return NONE;
            jars.add(p.toAbsolutePath());
        }
        Path archive;
        try {
            archive = dir.toAbsolutePath().resolve("worker-" + key(spec, jars) + ".jsa");
        } catch (IOException e) {
            return NONE;
        }
        if (Files.isRegularFile(archive)) return new Use(List.of("-XX:SharedArchiveFile=" + archive), archive, null);
        if (!WRITING.add(archive)) return NONE;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return NONE;
        }
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".tmp");
        return new Use(List.of("-XX:ArchiveClassesAtExit=" + tmp), archive, tmp);
    }

    /** A jar that names more class path (a test runner's manifest-only jar) may name directories. */
    private static boolean hasClassPathManifest(Path jar) {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            return m != null && m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH) != null;
        } catch (IOException e) {
            return true;
        }
    }

    private static String key(WorkerProcess.Spec spec, List<Path> jars) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
        StringBuilder k = new StringBuilder();
        k.append(System.getProperty("java.home")).append('\n').append(System.getProperty("java.vm.version")).append('\n');
        for (Path j : jars) k.append(j).append(' ').append(Files.size(j)).append(' ').append(Files.getLastModifiedTime(j).toMillis()).append('\n');
        k.append(spec.graalJitDir()).append('\n').append(System.getProperty("calx.worker.jvm.args", "")).append('\n');
        return HexFormat.of().formatHex(md.digest(k.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }
}
