package dev.calx.interpreter;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Finds the Graal compiler jars that turn on GraalPy's JIT in a worker JVM. They come from Maven
 * ({@code dependency:copy-dependencies} into {@code interpreter/target/graal-jit}, see the pom), so
 * nothing is downloaded at run time. Measured on 2 cores, the JIT made workers slower (start-up
 * 29 s instead of 16 s, first sympy cells 3-4x slower), so it is opt-in: the system property
 * {@code calx.graal.jit.dir} names the directory, or {@code auto} for the {@code graal-jit}
 * directory beside the code's jar or classes.
 */
final class GraalJit {
    private GraalJit() {}

    /** The directory the system property asks for, or null (interpreter-only, the default). */
    static Path fromSystemProperty() {
        String prop = System.getProperty("calx.graal.jit.dir");
        if (prop == null || prop.isBlank() || prop.equals("none")) return null;
        Path p = prop.equals("auto") ? besideCode() : Path.of(prop);
        if (p == null || !hasCompiler(p)) {
            throw new IllegalStateException("calx.graal.jit.dir=" + prop + ": no compiler-*.jar found"
                    + (p == null ? "" : " in " + p) + " (build the interpreter module to copy them)");
        }
        return p;
    }

    /** interpreter/target/graal-jit when running from the build, or null. */
    static Path besideCode() {
        try {
            Path code = Path.of(GraalJit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = code.getParent().resolve("graal-jit");
            return hasCompiler(dir) ? dir : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static boolean hasCompiler(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("compiler-"));
        } catch (IOException e) {
            return false;
        }
    }
}
