#!/usr/bin/python3
"""Grader fixture: MATH's complex-number answers against what a program prints for them.

  /usr/bin/python3 tools/complex_answer_pairs.py [SHARED_DATA_MATH_DIR] [OUT_TSV]

For every test5000 solution whose last \\boxed{} answer is a complex number (the letter i, no
other letter), SymPy (Debian python3-sympy) evaluates the answer and writes what a PoT or ToRA
program would print for it: Python's repr of the complex value (`(6+9j)`), SymPy's own str
(`6 + 9*I`), and, as near misses, the repr of the value with 1 added to its real part and to its
imaginary part, and of its conjugate (when not real). Each row: kind, the program's printed
form, the MATH answer. MathGraderTest reads the committed file
(decode/src/test/resources/grade/complex_answers.tsv): rows of kind `equal` must grade equal,
rows of kind `unequal` must not. The LaTeX -> SymPy conversion below covers the forms these
answers use (\\frac, \\sqrt, implicit products); an answer it cannot read is reported and left out.
"""
import json
import os
import re
import sys

import sympy
from sympy.parsing.sympy_parser import (implicit_multiplication_application, parse_expr,
                                        standard_transformations)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from math_grade_pairs import braced, last_boxed  # noqa: E402

TRANSFORMS = standard_transformations + (implicit_multiplication_application,)


def to_sympy_text(latex):
    s = latex.strip().rstrip(".").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    s = s.replace("\\left", "").replace("\\right", "").replace("\\cdot", "*").replace("\\!", "")
    out, k = [], 0
    while k < len(s):
        if s.startswith("\\frac", k):
            a, k = braced(s, k + 5)
            b, k = braced(s, k)
            out.append("((" + to_sympy_text(a) + ")/(" + to_sympy_text(b) + "))")
        elif s.startswith("\\sqrt", k):
            a, k = braced(s, k + 5)
            out.append("sqrt(" + to_sympy_text(a) + ")")
        elif s[k] == "\\":
            raise ValueError("unknown command in " + latex)
        else:
            out.append(s[k])
            k += 1
    return "".join(out).replace("{", "(").replace("}", ")").replace("^", "**")


def value(latex):
    text = re.sub(r"(?<![A-Za-z])i(?![A-Za-z])", "I", to_sympy_text(latex))
    return sympy.nsimplify(parse_expr(text, transformations=TRANSFORMS, local_dict={"I": sympy.I}))


def main():
    math_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/math"
    out = sys.argv[2] if len(sys.argv) > 2 else "decode/src/test/resources/grade/complex_answers.tsv"
    rows, skipped = [], []
    with open(os.path.join(math_dir, "test5000.jsonl"), encoding="utf-8") as f:
        for line in f:
            answer = last_boxed(json.loads(line)["solution"])
            if answer is None or "\t" in answer:
                continue
            letters = set(re.findall(r"(?<!\\)[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", answer)))
            if letters != {"i"}:
                continue
            items = [a for a in answer.split(",")]
            try:
                values = [value(a) for a in items]
            except (ValueError, SyntaxError, TypeError, sympy.SympifyError) as e:
                skipped.append((answer, str(e)))
                continue
            reprs = [repr(complex(v)) for v in values]
            joined = lambda xs: xs[0] if len(xs) == 1 else "[" + ", ".join(xs) + "]"
            rows.append(("equal", joined(reprs), answer))
            rows.append(("equal", joined([str(v) for v in values]), answer))
            rows.append(("unequal", joined([repr(complex(values[0] + 1))] + reprs[1:]), answer))
            rows.append(("unequal", joined([repr(complex(values[0] + sympy.I))] + reprs[1:]), answer))
            if sympy.im(values[0]) != 0 and len(values) == 1:
                rows.append(("unequal", repr(complex(sympy.conjugate(values[0]))), answer))
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("# made by tools/complex_answer_pairs.py from MATH test5000 (SymPy %s); kind, printed, answer\n"
                % sympy.__version__)
        for r in rows:
            f.write("\t".join(x.strip() for x in r) + "\n")
    os.replace(tmp, out)
    print("%s: %d rows from %d answers; %d answers not read" % (out, len(rows), len({r[2] for r in rows}), len(skipped)))
    for a, e in skipped:
        print("  not read: %r (%s)" % (a, e))


if __name__ == "__main__":
    main()
