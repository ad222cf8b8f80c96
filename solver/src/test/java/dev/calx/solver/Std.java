package dev.calx.solver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests that run commands through {@link Main#run}: System.out and System.err captured
 * around each test ({@code @RegisterExtension final Std std = new Std();}), and the shared
 * reference data, skipped with the missing path named.
 */
final class Std implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** {@return what the test wrote to System.out so far} */
    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@return what the test wrote to System.err so far} */
    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was written so far. */
    void reset() {
        out.reset();
        err.reset();
    }

    /** {@return a path under ../shared (-Dcalx.shared), the test skipped when it is missing} */
    static Path shared(String rel) {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve(rel);
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }
}
