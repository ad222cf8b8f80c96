#!/usr/bin/python3
"""Grader regression files from MATH: each solution against its own reference, and against others'.

  python3 tools/math_grade_pairs.py [SHARED_DATA_MATH_DIR] [OUT_DIR]

writes, for `calx grade --data FILE --out G.jsonl`:
  math500_self.jsonl    MATH500: prediction = a solution, answer = its own `answer` (all should grade equal)
  math500_shift.jsonl   MATH500: solution i against answer (i + k) mod 500, k = 1, 2, 3 (1,500 rows)
  test5000_shift.jsonl  test5000: solution i against the last \\boxed{} of solution (i + k), k = 1, 2
                        (test5000 has no answer field; 10,000 rows)
A grader change should leave the shifted files' grades as they were, row for row, unless a pair
really is the same answer: compare the `correct` fields of the two runs' outputs.
"""
import json
import os
import sys


def last_boxed(s):
    """The content of the last balanced \\boxed{...} (or \\fbox{...}), or None."""
    i = max(s.rfind("\\boxed"), s.rfind("\\fbox"))
    if i < 0:
        return None
    j = s.find("{", i)
    if j < 0:
        return None
    try:
        return braced(s, j)[0]
    except ValueError:
        return None


def braced(s, k):
    """(content, end) of the balanced {...} group that starts at s[k] == '{'; ValueError when it never closes."""
    depth = 0
    for j in range(k, len(s)):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[k + 1:j], j + 1
    raise ValueError("unbalanced braces in " + s)


def write(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for prediction, answer in rows:
            f.write(json.dumps({"prediction": prediction, "answer": answer}) + "\n")
    os.replace(tmp, path)
    print(f"{path}: {len(rows)} rows")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/math"
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp"
    m500 = [json.loads(l) for l in open(os.path.join(src, "math500.jsonl"), encoding="utf-8")]
    write(os.path.join(out, "math500_self.jsonl"), [(r["solution"], r["answer"]) for r in m500])
    write(os.path.join(out, "math500_shift.jsonl"),
          [(r["solution"], m500[(i + k) % len(m500)]["answer"]) for k in (1, 2, 3) for i, r in enumerate(m500)])
    t5k = [json.loads(l) for l in open(os.path.join(src, "test5000.jsonl"), encoding="utf-8")]
    refs = [last_boxed(r["solution"]) for r in t5k]
    write(os.path.join(out, "test5000_shift.jsonl"),
          [(r["solution"], refs[(i + k) % len(t5k)]) for k in (1, 2) for i, r in enumerate(t5k)
           if refs[(i + k) % len(t5k)] is not None])


if __name__ == "__main__":
    main()
