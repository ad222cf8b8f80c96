package dev.calx.interpreter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.interpreter.InterpreterOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real worker JVMs with a class-data-sharing archive: the first writes it when closed, the next
 * starts from it and runs a cell, a changed jar gets a new archive and the old one goes, and a
 * class path with a directory on it uses none.
 */
class ClassArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theFirstWorkerWritesTheArchiveAndTheNextStartsFromIt() throws Exception {
        String cp = jarOnlyClassPath(tmp.resolve("jars"));
        Path dir = tmp.resolve("archive");
        WorkerProcess.Spec spec = spec(dir, cp);

        WorkerProcess first = WorkerProcess.start(spec);
        assertFalse(first.fromClassArchive());
        assertTrue(first.awaitReady(180_000).path("ready").asBoolean());
        first.close();
        List<Path> archives = archives(dir);
        assertEquals(1, archives.size(), "one archive written: " + archives);
        assertTrue(Files.size(archives.getFirst()) > 1 << 20, "an archive of the worker's classes");
        assertEquals(List.of(), leftovers(dir), "temporary files left");

        WorkerProcess second = WorkerProcess.start(spec);
        try {
            assertTrue(second.fromClassArchive());
            assertTrue(second.awaitReady(180_000).path("ready").asBoolean());
            ObjectNode req = JSON.createObjectNode();
            req.put("op", "run").put("sid", "s1").put("code", "print(6 * 7)").put("limit", 4000).put("timeout_ms", 20_000);
            JsonNode r = second.call(req, 60_000);
            assertEquals("42", r.path("output").asText().strip(), r.toString());
        } finally {
            second.close();
        }
        assertEquals(archives, archives(dir), "a worker that read the archive leaves it as it was");

        // A rebuilt jar is another configuration: a new archive, and the old one is deleted.
        Path aJar = Path.of(cp.split(File.pathSeparator)[0]);
        Files.setLastModifiedTime(aJar, FileTime.fromMillis(Files.getLastModifiedTime(aJar).toMillis() + 60_000));
        WorkerProcess third = WorkerProcess.start(spec);
        assertFalse(third.fromClassArchive());
        assertTrue(third.awaitReady(180_000).path("ready").asBoolean());
        third.close();
        List<Path> now = archives(dir);
        assertEquals(1, now.size(), now.toString());
        assertNotEquals(archives, now);
    }

    @Test
    void aClassPathWithADirectoryUsesNoArchive() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        WorkerProcess.Spec spec = spec(tmp.resolve("archive"), classes + File.pathSeparator + jarOnlyClassPath(tmp.resolve("jars")));
        ClassArchive.Use use = ClassArchive.forWorker(spec);
        assertFalse(use.reads());
        assertFalse(use.writes());
        assertEquals(List.of(), use.jvmFlags());
        assertFalse(Files.exists(tmp.resolve("archive")));
    }

    private static WorkerProcess.Spec spec(Path dir, String cp) {
        InterpreterOptions d = InterpreterOptions.defaults();
        return new WorkerProcess.Spec(d.pythonPath(), d.memoryMb(), d.stackMb(), false, null, dir, cp);
    }

    private static List<Path> archives(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("worker-[0-9a-f]{16}\\.jsa")).sorted().toList();
        }
    }

    private static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".tmp")).toList();
        }
    }

    /**
     * This JVM's class path with every directory packed into a jar (CDS archives classes from
     * jars only) and a manifest-only jar (surefire's) expanded into what it names.
     */
    static String jarOnlyClassPath(Path out) throws IOException {
        Files.createDirectories(out);
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                String more;
                try (JarFile j = new JarFile(p.toFile())) {
                    Manifest m = j.getManifest();
                    more = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                }
                if (more == null) {
                    entries.add(p.toString());
                    continue;
                }
                for (String u : more.trim().split("\\s+")) entries.add(Path.of(URI.create(u).isAbsolute() ? URI.create(u) : p.toUri().resolve(u)).toString());
            } else {
                entries.add(e);
            }
        }
        List<String> jars = new ArrayList<>();
        int n = 0;
        for (String e : entries) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                if (p.toString().contains("test-classes")) continue;
                Path jar = out.resolve("dir" + n++ + ".jar");
                try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os);
                     Stream<Path> files = Files.walk(p)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        jos.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, jos);
                        jos.closeEntry();
                    }
                }
                jars.add(jar.toString());
            } else if (Files.isRegularFile(p)) {
                jars.add(p.toString());
            }
        }
        return String.join(File.pathSeparator, jars);
    }
}
