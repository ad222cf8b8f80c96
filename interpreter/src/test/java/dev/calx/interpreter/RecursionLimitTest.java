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

/**
 * sys.setrecursionlimit, which GraalPy itself does not enforce, holds for the functions a cell
 * defines (the driver counts their depth), per session; recursion that the count does not see
 * ends at the stack as GraalPy's RecursionError. Either way: a Python error in the result, the
 * worker alive, the next cell fine. Runs real GraalPy workers.
 */
class RecursionLimitTest {
    static PythonInterpreter py;

    @BeforeAll
    static void start() {
        py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withPreimportSympy(false)
                .withWorkers(1).withSpareWorkers(0)
                .withTimeout(Duration.ofSeconds(5)).withMemoryMb(384));
        py.awaitReady();
    }

    @AfterAll
    static void stop() {
        py.close();
    }

    static final String DEPTH = "d = [0]\ndef f(n):\n    d[0] = n\n    return f(n + 1)\n"
            + "try:\n    f(1)\nexcept RecursionError as e:\n    print(d[0], e)\n";

    static String ok(PythonSession s, String code) {
        CellResult r = s.run(code);
        assertNull(r.error(), () -> code + "\n-> " + r.traceback());
        return r.output();
    }

    @Test
    void defaultLimitIsCPythonsThousandAndHoldsExactly() {
        try (PythonSession s = py.newSession()) {
            assertEquals("1000\n", ok(s, "import sys\nsys.getrecursionlimit()"));
            // depth 1000 is the last allowed call: f(1) .. f(1000)
            assertEquals("1000 maximum recursion depth exceeded\n", ok(s, DEPTH));
            // the count unwinds with the frames: the same again
            assertEquals("1000 maximum recursion depth exceeded\n", ok(s, DEPTH));
        }
    }

    @Test
    void lowerLimitStopsRecursionThatGraalPyAloneWouldAllow() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("import sys\nsys.setrecursionlimit(50)\n"
                    + "def f(n):\n    return n if n >= 200 else f(n + 1)\nf(0)");
            assertEquals("RecursionError: maximum recursion depth exceeded", r.error());
            assertTrue(r.traceback().contains("in f") && !r.traceback().contains("calx-driver"), r.traceback());
            assertEquals("50\n", ok(s, "sys.getrecursionlimit()"));
            assertEquals("50 maximum recursion depth exceeded\n", ok(s, DEPTH));
            assertEquals("2\n", ok(s, "print(1 + 1)"));
        }
    }

    @Test
    void higherLimitAllowsDeeperRecursionUpToTheStack() {
        try (PythonSession s = py.newSession()) {
            assertEquals("3000\n", ok(s, "import sys\nsys.setrecursionlimit(5000)\n"
                    + "def g(n):\n    return 0 if n == 0 else 1 + g(n - 1)\ng(3000)"));
            // a limit past what the 32 MB stack holds: GraalPy's own RecursionError ends it
            long t0 = System.nanoTime();
            CellResult r = s.run("sys.setrecursionlimit(10**6)\ng(10**5)");
            assertEquals("RecursionError: maximum recursion depth exceeded", r.error());
            assertFalse(r.timedOut());
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
            assertEquals("2\n", ok(s, "print(1 + 1)"));
        }
    }

    @Test
    void eachSessionHasItsOwnLimit() {
        try (PythonSession a = py.newSession(); PythonSession b = py.newSession()) {
            ok(a, "import sys\nsys.setrecursionlimit(123)");
            assertEquals("1000\n", ok(b, "import sys\nsys.getrecursionlimit()"));
            assertEquals("123\n", ok(a, "sys.getrecursionlimit()"));
        }
    }

    @Test
    void badLimitsRaiseCPythonsErrors() {
        try (PythonSession s = py.newSession()) {
            assertEquals("ValueError: recursion limit must be greater or equal than 1", s.run("import sys\nsys.setrecursionlimit(0)").error());
            assertEquals("TypeError: 'str' object cannot be interpreted as an integer", s.run("sys.setrecursionlimit('9')").error());
            assertTrue(s.run("def f(n):\n    return sys.setrecursionlimit(5) if n == 10 else f(n + 1)\nf(0)").error()
                    .startsWith("RecursionError: cannot set the recursion limit to 5 at the recursion depth 11"));
            assertEquals("1000\n", ok(s, "sys.getrecursionlimit()"));
        }
    }

    @Test
    void recursionTheCountDoesNotSeeStillEndsAsRecursionError() {
        try (PythonSession s = py.newSession()) {
            String[] cells = {
                "l = []\nfor i in range(100000):\n    l = [l]\nrepr(l)",               // builtin recursion
                "exec('def h(n):\\n    return h(n + 1)')\nh(0)",                          // not compiled by the driver
                "def gen(n):\n    yield from gen(n + 1)\nnext(gen(0))",                   // generators are not counted
                "r = lambda n: r(n + 1)\nr(0)",                                           // nor lambdas
                "def a(n):\n    return b(n + 1)\ndef b(n):\n    return a(n + 1)\na(0)",   // nor calls through other names
            };
            for (String c : cells) {
                CellResult r = s.run(c);
                assertEquals("RecursionError: maximum recursion depth exceeded", r.error(), c);
                assertFalse(r.timedOut(), c);
                assertEquals("2\n", ok(s, "print(1 + 1)"));
            }
        }
    }

    @Test
    void methodsRecursingThroughSelfAreCounted() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run("import sys\nsys.setrecursionlimit(40)\nclass T:\n    def m(self, n):\n"
                    + "        return n if n > 100 else self.m(n + 1)\nT().m(0)");
            assertEquals("RecursionError: maximum recursion depth exceeded", r.error());
        }
    }

    /** Every function here mentions its own name, so each is compiled with the depth count. */
    @Test
    void countedFunctionsBehaveAsWritten() {
        try (PythonSession s = py.newSession()) {
            assertEquals("doc True\n", ok(s, "def f():\n    '''doc'''\n    return f\nprint(f.__doc__, f() is f)"));
            assertEquals("None\n", ok(s, "def e(n):\n    '''only a docstring and a call'''\n    if n: e(n - 1)\nprint(e(3))"));
            assertEquals("[1, 2]\n", ok(s, "def g():\n    yield 1\n    yield g and 2\nlist(g())"));
            assertEquals("3\n", ok(s, "x = 0\ndef h(n):\n    global x\n    x += 1\n    return h(n - 1) if n else x\nh(2)"));
            assertEquals("2\n", ok(s, "def outer():\n    c = 0\n    def inc(k):\n        nonlocal c\n        c += 1\n"
                    + "        return inc(k - 1) if k else c\n    return inc(1)\nouter()"));
            assertEquals("(6, 'A.m')\n", ok(s, "class A:\n    def __init__(self):\n        self.v = 3\n"
                    + "    def m(self, k):\n        return self.v + self.m(k - 1) if k else self.v\n(A().m(1), A.m.__qualname__)"));
            assertEquals("'finally'\n", ok(s, "def t():\n    try:\n        return t\n    finally:\n        return 'finally'\nt()"));
            CellResult z = s.run("def z(n):\n    return z(n - 1) if n else 1 / 0\nz(3)");
            assertEquals("ZeroDivisionError: division by zero", z.error());
            assertTrue(z.traceback().contains("return z(n - 1) if n else 1 / 0") && !z.traceback().contains("calx"), z.traceback());
            assertEquals("1000 maximum recursion depth exceeded\n", ok(s, DEPTH)); // the errors above left the count at 0
        }
    }
}
