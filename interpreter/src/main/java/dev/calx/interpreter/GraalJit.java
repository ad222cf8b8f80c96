package dev.calx.interpreter;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Finds the Graal compiler jars that turn on GraalPy's JIT in a worker JVM. They come from Maven
 * ({@code dependency:copy-dependencies} into {@code interpreter/target/graal-jit}, see the pom), so
 * nothing is downloaded at run time. Order: the system property {@code calx.graal.jit.dir}
 * ({@code none} disables), then a {@code graal-jit} directory beside the code's jar or classes.
 */
final class GraalJit {
    private GraalJit() {}

    static Path find() {
        String prop = System.getProperty("calx.graal.jit.dir");
        if (prop != null) {
            if (prop.isBlank() || prop.equals("none")) return null;
            Path p = Path.of(prop);
            return hasCompiler(p) ? p : null;
        }
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
