package dev.calx.interpreter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cells behave like a notebook: shared namespace per session, Jupyter display, errors, limits. */
class NotebookSemanticsTest {
    static PythonInterpreter py;

    @BeforeAll
    static void start() {
        py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withPreimportSympy(false)
                .withWorkers(1).withSpareWorkers(0).withMaxOutput(100)
                .withTimeout(Duration.ofSeconds(5)).withMemoryMb(512));
    }

    @AfterAll
    static void stop() {
        py.close();
    }

    @Test
    void cellsOfOneSessionShareVariablesFunctionsAndImports() {
        try (PythonSession s = py.newSession()) {
            assertTrue(s.run("import math\ndef f(n):\n    return n * 2\nx = 20").empty());
            CellResult r = s.run("print(f(x) + 2, math.gcd(12, 18))");
            assertEquals("42 6\n", r.output());
            assertNull(r.error());
        }
    }

    @Test
    void aNewSessionStartsWithAFreshNamespace() {
        try (PythonSession a = py.newSession(); PythonSession b = py.newSession()) {
            a.run("secret = 7");
            CellResult r = b.run("secret");
            assertEquals("NameError: name 'secret' is not defined", r.error());
            assertEquals("7\n", a.run("secret").output());
        }
    }

    @Test
    void trailingExpressionIsShownAsReprAfterPrintsButNoneIsNot() {
        try (PythonSession s = py.newSession()) {
            assertEquals("a\n'text'\n", s.run("print('a')\n'text'").output());
            assertEquals("", s.run("None").output());
            assertTrue(s.run("x = 3").empty());
            assertEquals("[1, 2]\n", s.run("[1, 2]").output());
            assertEquals("", s.run("print('p') if False else None").output());
        }
    }

    @Test
    void errorGivesLastTracebackLineAndFullTracebackAfterEarlierOutput() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("print('before')\ndef g():\n    return 1 / 0\ng()");
            assertEquals("before\n", r.output());
            assertEquals("ZeroDivisionError: division by zero", r.error());
            assertTrue(r.traceback().startsWith("Traceback (most recent call last):"), r.traceback());
            assertTrue(r.traceback().contains("in g"), r.traceback());
            assertFalse(r.traceback().contains("calx-driver"), r.traceback());
            assertFalse(r.empty());
        }
    }

    @Test
    void syntaxErrorIsReportedAsTheCellsError() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("x = (1 +");
            assertTrue(r.error().startsWith("SyntaxError"), r.error());
        }
    }

    @Test
    void stdoutAndStderrInterleaveInWriteOrder() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("import sys\nprint('1')\nprint('2', file=sys.stderr)\nprint('3')\n_ = sys.stderr.write('4\\n')");
            assertEquals("1\n2\n3\n4\n", r.output());
        }
    }

    /** sys.stdout.buffer was missing (AttributeError), which programs writing bytes use. */
    @Test
    void bytesWrittenToStdoutBufferJoinTheTextAsUtf8() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("import sys\nprint('a')\nn = sys.stdout.buffer.write('\u00e9'.encode()[:1])\n"
                    + "sys.stdout.buffer.write('\u00e9'.encode()[1:] + b' \\xff!\\n')\nsys.stdout.buffer.flush()\nprint(n)");
            assertNull(r.error(), r.traceback());
            assertEquals("a\n\u00e9 \uFFFD!\n1\n", r.output());
            assertEquals("TypeError: a bytes-like object is required, not 'str'", s.run("import sys\nsys.stdout.buffer.write('x')").error());
            // a sequence left incomplete at the end of the cell is one replacement character
            assertEquals("\uFFFD", s.run("import sys\n_ = sys.stderr.buffer.write(b'\\xe2\\x82')").output());
        }
    }

    @Test
    void longOutputKeepsHeadAndTailAndSaysHowMuchWasCut() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("print('A' * 100 + 'B' * 100 + 'C' * 100)");
            assertTrue(r.truncated());
            assertTrue(r.output().startsWith("A".repeat(50) + "\n[... 201 characters cut ...]\n"), r.output());
            assertTrue(r.output().endsWith("C".repeat(49) + "\n"), r.output());
            CellResult small = s.run("print('x' * 10)");
            assertFalse(small.truncated());
            assertEquals("xxxxxxxxxx\n", small.output());
        }
    }

    @Test
    void standardLibraryModulesWork() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("""
                    import math, fractions, itertools, functools, collections, decimal, statistics, re, random, datetime
                    print(fractions.Fraction(1, 3) + fractions.Fraction(1, 6))
                    print(decimal.Decimal('1.1') + decimal.Decimal('2.2'))
                    print(statistics.median([3, 1, 2]), math.comb(10, 3), len(list(itertools.permutations(range(4)))))
                    print(re.findall(r'\\d+', 'a1b22'), datetime.date(2024, 2, 29).isoformat())
                    random.seed(0); print(functools.reduce(lambda a, b: a * b, range(1, 6)), collections.Counter('aab')['a'])
                    """);
            assertNull(r.error(), r.traceback());
            assertEquals("1/2\n3.3\n2 120 24\n['1', '22'] 2024-02-29\n120 2\n", r.output());
        }
    }

    @Test
    void loneSurrogatesAndNonAsciiSurviveTheWorkerProtocol() {
        try (PythonSession s = py.newSession()) {
            assertEquals("π √2 😀\n", s.run("print('π √2 \\U0001F600')").output());
            CellResult r = s.run("print('a\\ud800b')");
            assertNull(r.error());
            assertEquals("a\uFFFDb\n", r.output());
            assertEquals("2\n", s.run("print(1 + 1)").output());
        }
    }

    @Test
    void closedSessionRefusesCells() {
        PythonSession s = py.newSession();
        s.close();
        try {
            s.run("1");
            throw new AssertionError("expected IllegalStateException");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }
}
