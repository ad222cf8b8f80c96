#!/usr/bin/python3
"""Grader check: MATH's answers against SymPy's and Python's printing of their values.

  /usr/bin/python3 tools/sympy_printed_pairs.py [SHARED_DATA_MATH_DIR] [OUT.jsonl] [FIXTURE.tsv]

For every test5000 answer (last \\boxed{} of a solution) that is one number or one expression in
x (or i, the imaginary unit) and that the small LaTeX reader of complex_answer_pairs.py reads
(\\frac, \\sqrt, \\pi, implicit products; answers with a mixed number such as 1\\frac{4}{5}, a base
subscript such as 52_8, a comma, an equation or an inequality are left out), SymPy (Debian
python3-sympy) writes what a program would print: str(value), str(simplify(value)) and, for a
number, Python's float or complex repr. An interval or a union of intervals gives SymPy's str of the
set (`Union(Interval.open(-oo, -8), Interval.open(8, oo))`) and of it as a relation in x
(`(8 < x) | (x < -8)`); a list of numbers gives the str of the sorted list (as `solve` prints it)
and of the FiniteSet (`{-2, 3}`); a pmatrix gives SymPy's `Matrix([[1, 2], [3, 4]])`, its
`tolist()` and, for a vector, the flat list and tuple; an equation gives SymPy's `Eq(y, 2*x + 3)`.
Each becomes a row {"kind", "prediction", "reference"}
for `calx grade --data OUT.jsonl --out G.jsonl`; every row should grade equal. With FIXTURE.tsv
(decode/src/test/resources/grade/program_printed.tsv is committed), the rows of every kind but
str, simplify and repr (sets, relations, lists, matrices, vectors, equations: the forms with
their own rules in the grader) are also written there as kind, printed, answer, for
MathGraderTest.
"""
import json
import os
import re
import sys

import sympy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from complex_answer_pairs import TRANSFORMS, parse_expr, to_sympy_text  # noqa: E402
from math_grade_pairs import last_boxed  # noqa: E402

sys.set_int_max_str_digits(100000)


def readable(answer):
    if re.search(r"[,=<>]|\\le|\\ge|_", answer) or re.search(r"\d\s*\\frac", answer):
        return False
    letters = set(re.findall(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", answer)))
    return letters <= {"x", "i"}


INTERVAL = re.compile(r"^\s*([\[(])(.*),(.*)([\])])\s*$")


def interval_parts(answer):
    """MATH's interval or union of intervals as SymPy sets, or None when it is not one."""
    if "," not in answer or not re.match(r"^\s*[\[(]", answer):
        return None
    sets = []
    for part in re.split(r"\\cup", answer):
        m = INTERVAL.match(part)
        if m is None or m.group(2).count(",") or m.group(3).count(","):
            return None
        ends = []
        for e in (m.group(2), m.group(3)):
            e = e.strip().replace("\\infty", "oo").replace("\\tfrac", "\\frac").replace("\\dfrac", "\\frac")
            ends.append(sympy.oo if e in ("oo", "+oo") else -sympy.oo if e == "-oo" else
                        parse_expr(to_sympy_text(e), transformations=TRANSFORMS))
        sets.append(sympy.Interval(ends[0], ends[1], m.group(1) == "(", m.group(4) == ")"))
    return sets


def main():
    math_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/math"
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sympy_printed.jsonl"
    rows, answers, unread = [], 0, 0
    x = sympy.Symbol("x", real=True)
    names = {"I": sympy.I, "pi": sympy.pi, "x": x}
    with open(os.path.join(math_dir, "test5000.jsonl"), encoding="utf-8") as f:
        for line in f:
            answer = last_boxed(json.loads(line)["solution"])
            if answer is None:
                continue
            m = re.match(r"^\s*\\begin\{pmatrix\}(.*)\\end\{pmatrix\}\s*$", answer, re.S)
            if m:
                try:
                    cells = [[parse_expr(to_sympy_text(c), transformations=TRANSFORMS, local_dict=names) for c in row.split("&")]
                             for row in m.group(1).split("\\\\") if row.strip()]
                    matrix = sympy.Matrix(cells)
                except Exception:  # noqa: BLE001 - the reader's limits, counted below
                    unread += 1
                    continue
                answers += 1
                rows_out = [("matrix", str(matrix)), ("matrix", str(matrix.tolist()))]
                if 1 in matrix.shape:
                    rows_out += [("vector", str(list(matrix))), ("vector", str(tuple(matrix)))]
                for kind, printed in rows_out:
                    rows.append({"kind": kind, "prediction": printed, "reference": answer})
                continue
            sides = answer.split("=")
            if len(sides) == 2 and not re.search(r"[<>,!]|\\le|\\ge|_", answer):
                try:
                    letters = set(re.findall(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", answer)))
                    local = {c: sympy.Symbol(c) for c in letters}
                    eq = sympy.Eq(*[parse_expr(to_sympy_text(e), transformations=TRANSFORMS, local_dict=local) for e in sides],
                                  evaluate=False)
                except Exception:  # noqa: BLE001 - the reader's limits, counted below
                    unread += 1
                    continue
                answers += 1
                rows.append({"kind": "equation", "prediction": str(eq), "reference": answer})
                continue
            try:
                sets = interval_parts(answer)
            except Exception:  # noqa: BLE001 - the reader's limits, counted below
                sets, unread = None, unread + 1
            if sets is not None:
                union = sympy.Union(*sets)
                if isinstance(union, (sympy.Interval, sympy.Union)):
                    answers += 1
                    rows.append({"kind": "set", "prediction": str(union), "reference": answer})
                    rows.append({"kind": "relational", "prediction": str(union.as_relational(x)), "reference": answer})
                continue
            items = [a for a in answer.split(",") if a.strip()]
            if re.match(r"^\s*-?\d{1,3}(?:,\s*(?:\\!)?\s*\d{3})+(?:\.\d+)?\s*$", answer):
                items = []  # a number with thousands separators, not a list
            if len(items) > 1 and all(readable(a) and not re.search(r"[\[\]()]", a) and "x" not in a for a in items):
                try:
                    values = [parse_expr(re.sub(r"(?<![A-Za-z])i(?![A-Za-z])", "I", to_sympy_text(a.replace("\\pi", " pi "))),
                                         transformations=TRANSFORMS, local_dict=names) for a in items]
                    ordered = sorted(values, key=lambda v: (float(sympy.re(v)), float(sympy.im(v))))
                except Exception:  # noqa: BLE001
                    unread += 1
                    continue
                answers += 1
                rows.append({"kind": "solve", "prediction": str(ordered), "reference": answer})
                rows.append({"kind": "finiteset", "prediction": str(sympy.FiniteSet(*values)), "reference": answer})
                continue
            if not readable(answer):
                continue
            try:
                text = re.sub(r"(?<![A-Za-z])i(?![A-Za-z])", "I", to_sympy_text(answer.replace("\\pi", " pi ")))
                v = parse_expr(text, transformations=TRANSFORMS, local_dict=names)
                forms = {"str": str(v), "simplify": str(sympy.simplify(v))}
                if not v.free_symbols:
                    forms["repr"] = repr(float(v)) if v.is_real else repr(complex(v))
            except Exception:  # noqa: BLE001 - the reader's limits, counted below
                unread += 1
                continue
            answers += 1
            for kind, printed in forms.items():
                rows.append({"kind": kind, "prediction": printed, "reference": answer})
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    os.replace(tmp, out)
    print("%s: %d rows from %d answers (%d more not read)" % (out, len(rows), answers, unread))
    if len(sys.argv) > 3:
        fixture = sys.argv[3]
        kept = [r for r in rows if r["kind"] not in ("str", "simplify", "repr")
                and not any(c in r["prediction"] + r["reference"] for c in "\t\n")]
        with open(fixture + ".tmp", "w", encoding="utf-8") as f:
            f.write("# made by tools/sympy_printed_pairs.py from MATH test5000 (SymPy %s); kind, printed, answer\n"
                    % sympy.__version__)
            for r in kept:
                f.write("%s\t%s\t%s\n" % (r["kind"], r["prediction"], r["reference"].strip()))
        os.replace(fixture + ".tmp", fixture)
        print("%s: %d rows" % (fixture, len(kept)))


if __name__ == "__main__":
    main()
