package dev.calx.interpreter;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SymPy from the system's python3-sympy, read-only, pre-imported in the worker; and its absence. */
class SympyTest {
    @Test
    void sympyImportsAndSolvesWithUnicodePrettyPrinting() {
        List<java.nio.file.Path> path = InterpreterOptions.detectPythonPath();
        Assumptions.assumeTrue(!path.isEmpty(), "missing /usr/lib/python3/dist-packages/sympy (apt-get install -y python3-sympy)");
        try (PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withWorkers(1).withSpareWorkers(0).withTimeout(Duration.ofSeconds(30)));
             PythonSession s = py.newSession()) {
            assertTrue(py.awaitReady(), "sympy should be pre-imported");
            CellResult r = s.run("from sympy import *\nx = symbols('x')\nsolve(x**2 - 4, x)");
            assertNull(r.error(), r.traceback());
            assertEquals("[-2, 2]\n", r.output());
            CellResult pretty = s.run("pprint(sqrt(x), use_unicode=True)\nimport unicodedata\nunicodedata.lookup('GREEK SMALL LETTER PI')");
            assertNull(pretty.error(), pretty.traceback());
            assertEquals("√x\n'π'\n", pretty.output());
            CellResult write = s.run("import sympy, os\nopen(os.path.join(os.path.dirname(sympy.__file__), 'x.py'), 'w')");
            assertTrue(write.error().startsWith("PermissionError"), write.error());
        }
    }

    /**
     * CPython extension modules (Debian's numpy sits beside its sympy): one line naming the file,
     * where numpy's own message ended in "Original error was: No module named
     * 'numpy.core._multiarray_umath'"; a pure-Python fallback (PyYAML's) still works.
     */
    @Test
    void cpythonExtensionModulesAreNamedAndPureFallbacksStillLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path site = java.nio.file.Files.createDirectories(tmp.resolve("site-packages"));
        String so = ".cpython-311-x86_64-linux-gnu.so";
        java.nio.file.Files.createDirectories(site.resolve("fakenum"));
        java.nio.file.Files.writeString(site.resolve("fakenum/__init__.py"),
                "try:\n    from . import _core\nexcept ImportError as e:\n    raise ImportError('advice\\n\\nOriginal error was: ' + str(e))\n");
        java.nio.file.Files.write(site.resolve("fakenum/_core" + so), new byte[] {0x7f, 'E', 'L', 'F'});
        java.nio.file.Files.createDirectories(site.resolve("fallback"));
        java.nio.file.Files.writeString(site.resolve("fallback/__init__.py"),
                "try:\n    from ._speedups import f\nexcept ImportError:\n    def f():\n        return 'pure'\n");
        java.nio.file.Files.write(site.resolve("fallback/_speedups" + so), new byte[] {0x7f, 'E', 'L', 'F'});
        java.nio.file.Files.write(site.resolve("topext" + so), new byte[] {0x7f, 'E', 'L', 'F'});
        try (PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of(site)).withPreimportSympy(false).withWorkers(1).withSpareWorkers(0));
             PythonSession s = py.newSession()) {
            assertEquals("ModuleNotFoundError: No module named 'fakenum' here: it needs fakenum/_core" + so
                    + ", a CPython extension module, which GraalPy cannot load", s.run("import fakenum").error());
            CellResult r = s.run("import fallback\nprint(fallback.f())");
            assertNull(r.error(), r.traceback());
            assertEquals("pure\n", r.output());
            assertEquals("ModuleNotFoundError: No module named 'topext' here: topext" + so
                    + " is a CPython extension module, which GraalPy cannot load", s.run("import topext").error());
            assertEquals("caught\n", s.run("try:\n    import fakenum\nexcept ImportError:\n    print('caught')").output());
            assertEquals("ModuleNotFoundError: No module named 'nothere'", s.run("import nothere").error());
        }
    }

    @Test
    void withoutSympyImportFailsInsideTheCellOnly() {
        try (PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withWorkers(1).withSpareWorkers(0));
             PythonSession s = py.newSession()) {
            assertEquals(false, py.awaitReady());
            CellResult r = s.run("import sympy");
            assertEquals("ModuleNotFoundError: No module named 'sympy'", r.error());
            assertEquals("2\n", s.run("print(1 + 1)").output());
        }
    }
}
