#!/usr/bin/python3
"""Breakdown of a `calx eval` output against the synthetic test rows it was run on (docs/RESULTS.md).

Usage: /usr/bin/python3 tools/eval_breakdown.py EVAL.jsonl TEST.jsonl
Prints accuracy with a 95% Wilson interval, accuracy per magnitude tier and for the training
magnitudes small+medium+large (the tiers every model here trained on; `long`, 7-12 digits, is
trained only with `calx data synth --long-share`), tool calls per problem, problems with a tool timeout, how many
last ```output blocks equal the reference, and how many boxed answers differ from that output.
The eval must have been run without --no-outputs (transcripts are read).
"""
import collections
import json
import math
import re
import sys


def wilson(k, n, z=1.96):
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (c - h) / d, 100 * (c + h) / d


rows = [json.loads(l) for l in open(sys.argv[1])]
test = {r["id"]: r for r in (json.loads(l) for l in open(sys.argv[2]))}
n, k = len(rows), sum(r["correct"] for r in rows)
tot, ok = collections.Counter(), collections.Counter()
out_eq = box_diff = 0
for r in rows:
    t = test[r["id"]]
    tot[t["magnitude"]] += 1
    ok[t["magnitude"]] += r["correct"]
    text = r.get("output") or ""
    outs = re.findall(r"```output\n(.*?)\n```", text, re.S)
    boxed = re.findall(r"\\boxed\{([^}]*)\}", text)
    if outs and outs[-1].strip() == t["answer"]:
        out_eq += 1
    if outs and boxed and outs[-1].strip() != boxed[-1].strip():
        box_diff += 1
print(f"accuracy {100 * k / n:.2f}% ({k}/{n}), 95% interval {wilson(k, n)[0]:.1f}-{wilson(k, n)[1]:.1f}%")
TIERS = ("small", "medium", "large", "long", "xlarge")
for m in TIERS + tuple(sorted(set(tot) - set(TIERS))):
    if tot[m]:
        lo, hi = wilson(ok[m], tot[m])
        print(f"  {m}: {ok[m]}/{tot[m]} ({100 * ok[m] / tot[m]:.1f}%, {lo:.1f}-{hi:.1f}%)")
ti = sum(tot[m] for m in ("small", "medium", "large"))
ki = sum(ok[m] for m in ("small", "medium", "large"))
if ti:
    lo, hi = wilson(ki, ti)
    print(f"  small+medium+large: {ki}/{ti} ({100 * ki / ti:.1f}%, {lo:.1f}-{hi:.1f}%)")
print(f"tool calls per problem {sum(r['tool_calls'] for r in rows) / n:.2f}; problems with a tool timeout "
      f"{sum(1 for r in rows if r['timeouts'])}")
print(f"last output == reference: {out_eq}; boxed answer != last output: {box_diff}")
