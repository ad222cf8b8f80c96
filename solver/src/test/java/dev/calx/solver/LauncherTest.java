package dev.calx.solver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone jar's main class: Java 8 bytecode that tells an older Java what to install. */
class LauncherTest {
    @Test
    void readsTheJavaSpecificationVersion() {
        assertEquals(8, Launcher.feature("1.8"));
        assertEquals(17, Launcher.feature("17"));
        assertEquals(25, Launcher.feature("25"));
        assertEquals(26, Launcher.feature("26-ea"));
        assertEquals(0, Launcher.feature(""));
        assertEquals(0, Launcher.feature("x"));
    }

    @Test
    void isCompiledForJava8AndRelauncherForJava25() throws IOException {
        assertEquals(52, classMajor(Launcher.class), "Launcher's class file version (52 = Java 8)");
        assertEquals(69, classMajor(Relauncher.class), "Relauncher's class file version (69 = Java 25)");
    }

    private static int classMajor(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            DataInputStream d = new DataInputStream(in);
            assertEquals(0xCAFEBABE, d.readInt());
            d.readUnsignedShort();
            return d.readUnsignedShort();
        }
    }

    @Test
    void anOlderJavaIsToldWhatToInstall() throws Exception {
        Optional<Path> old = olderJava();
        Assumptions.assumeTrue(old.isPresent(), "no Java older than 25 under /usr/lib/jvm to run the Launcher with");
        Path classes = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(old.get().toString(), "-cp", classes.toString(), "dev.calx.solver.Launcher", "backend")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.waitFor(), out);
        assertTrue(out.startsWith("calx: needs Java 25 or newer, but this is Java "), out);
        assertTrue(out.contains("install a JDK 25"), out);
    }

    /** A java binary under /usr/lib/jvm whose release file says JAVA_VERSION below 25. */
    private static Optional<Path> olderJava() throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(jvm)) {
            for (Path d : dirs.sorted().toList()) {
                Path java = d.resolve("bin/java"), release = d.resolve("release");
                if (!Files.isExecutable(java) || !Files.isRegularFile(release)) continue;
                List<String> lines = Files.readAllLines(release);
                for (String l : lines) {
                    if (!l.startsWith("JAVA_VERSION=")) continue;
                    int f = Launcher.feature(l.substring("JAVA_VERSION=".length()).replace("\"", ""));
                    if (f > 0 && f < 25) return Optional.of(java);
                }
            }
        }
        return Optional.empty();
    }
}
