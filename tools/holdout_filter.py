#!/usr/bin/env python3
"""Drop training rows that could be the same problem as a held-out row.

usage: holdout_filter.py HELDOUT.jsonl TRAIN.jsonl OUT.jsonl

`calx data synth` splits by a hash of each problem's identity (template + given numbers), so
within one seed's data and across seeds the small/medium/large/long tiers never put one problem
in two splits. The xlarge test tier is test-only by rule, not by hash, so another seed can draw
the same identity for training where a template's numbers do not scale with the magnitude
(ages.sum). This script removes such rows before training on a set made with another seed.

Two rows are taken as possibly the same problem when they have the same template and the same
multiset of digit runs in question + answer. For a forward problem those are the given numbers
and the answer; for a backward one, the shown numbers, the stated forward answer and the hidden
number (the row's answer): the same multiset for every direction and phrasing of one identity,
so every true match is caught (and a few look-alikes with the numbers in other roles as well).
The output is written to a temporary file and renamed.
"""
import json
import os
import re
import sys
import tempfile

DIGITS = re.compile(r"\d+")


def key(row):
    return row["template"], tuple(sorted(DIGITS.findall(row["question"] + " " + row["answer"])))


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: holdout_filter.py HELDOUT.jsonl TRAIN.jsonl OUT.jsonl")
    held, train, out = argv[1:]
    if os.path.lexists(out) and not os.path.isfile(out):
        sys.exit(f"{out}: exists and is not a regular file; give a file path to write")
    keys = set()
    with open(held, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                keys.add(key(json.loads(line)))
            except (ValueError, KeyError) as e:
                sys.exit(f"{held}:{n}: not a calx data row ({e})")
    kept = dropped = 0
    d = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".holdout-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as w, open(train, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    row = json.loads(line)
                    k = key(row)
                except (ValueError, KeyError) as e:
                    sys.exit(f"{train}:{n}: not a calx data row ({e})")
                if k in keys:
                    dropped += 1
                    print(f"dropped {row.get('id')} (like a held-out row): {row['question'][:80]}", file=sys.stderr)
                else:
                    w.write(line)
                    kept += 1
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"kept {kept}, dropped {dropped} -> {out}")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except OSError as e:
        sys.exit(f"holdout_filter.py: {e}")
