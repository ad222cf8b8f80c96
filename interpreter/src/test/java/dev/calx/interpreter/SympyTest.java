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
