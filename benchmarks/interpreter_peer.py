#!/usr/bin/python3
"""CPython peer of the Calx interpreter benchmarks (run with Debian's /usr/bin/python3 + python3-sympy).

  --tora FILE [PASSES]  replay the ToRA examples' code cells like InterpreterToraReplayBenchmark:
                        each problem one namespace, Jupyter display of a trailing expression,
                        stdout+stderr captured, compare with the recorded output fences
                        (whitespace-normalized), time warm passes
  --micro               print(1+1) in a warm namespace (median) and a fresh namespace + one cell
"""
import ast
import contextlib
import io
import json
import re
import statistics
import sys
import time
import traceback

CELL = re.compile(r"```python\n(.*?)```\s*```output\n(.*?)```", re.S)


def run_cell(ns, code):
    """Same semantics as the Calx driver: returns output + last traceback line on error."""
    buf = io.StringIO()
    err = None
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            tree = ast.parse(code, "<cell>", "exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<cell>", "exec"), ns)
            if last is not None:
                v = eval(compile(last, "<cell>", "eval"), ns)
                if v is not None:
                    print(repr(v))
        except BaseException as e:  # noqa: BLE001 - a cell may raise anything, SystemExit included
            err = traceback.format_exception_only(type(e), e)[-1].strip()
    return buf.getvalue() + (err or "")


def normalize(s):
    return " ".join(s.split())


def load(path):
    problems = []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        row = json.loads(line)
        text = "".join(m["content"] + "\n" for m in row["messages"] if m["role"] == "assistant")
        cells = CELL.findall(text)
        if cells:
            problems.append((row.get("id"), cells))
    return problems


def replay(problems):
    got = []
    for _, cells in problems:
        ns = {"__name__": "__main__"}
        for code, _ in cells:
            got.append(run_cell(ns, code))
    return got


def tora(path, passes):
    problems = load(path)
    n = sum(len(c) for _, c in problems)
    import sympy  # noqa: F401 - warm, like the Calx worker's pre-import
    best = None
    got = None
    for p in range(passes + 1):
        t = time.perf_counter()
        got = replay(problems)
        ms = (time.perf_counter() - t) * 1000
        print("pass %d: %d cells in %.0f ms%s" % (p, n, ms, " (warm-up)" if p == 0 else ""))
        if p > 0:
            best = ms if best is None else min(best, ms)
    agree = 0
    i = 0
    for pid, cells in problems:
        for _, expected in cells:
            g = got[i]
            i += 1
            if normalize(g) == normalize(expected):
                agree += 1
            else:
                print("MISMATCH %s\n  expected: %s\n  got:      %s" % (pid, normalize(expected)[:200], normalize(g)[:200]))
    print(json.dumps({"engine": "cpython " + sys.version.split()[0], "cells": n, "agree": agree,
                      "best_pass_ms": round(best)}))


def micro():
    ns = {"__name__": "__main__"}
    run_cell(ns, "print(1+1)")
    samples = []
    for _ in range(2000):
        t = time.perf_counter()
        run_cell(ns, "print(1+1)")
        samples.append((time.perf_counter() - t) * 1e3)
    fresh = []
    for _ in range(500):
        t = time.perf_counter()
        run_cell({"__name__": "__main__"}, "x = 1")
        fresh.append((time.perf_counter() - t) * 1e3)
    print(json.dumps({"engine": "cpython " + sys.version.split()[0],
                      "print_warm_median_ms": round(statistics.median(samples), 4),
                      "fresh_namespace_cell_median_ms": round(statistics.median(fresh), 4)}))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--tora":
        tora(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif len(sys.argv) == 2 and sys.argv[1] == "--micro":
        micro()
    else:
        print(__doc__)
        sys.exit(2)
