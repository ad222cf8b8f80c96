#!/usr/bin/python3
"""numpy (OpenBLAS) side of benchmarks/compare-gemm.sh, and the table that puts both side by side.

  compare_gemm_peer.py measure --seconds S --out FILE.json   # numpy GEMM GFLOP/s and GEMV GB/s
  compare_gemm_peer.py table NUMPY1.json NUMPY2.json JMH.json # print the comparison table

Shapes are the JMH ones: GEMM "MxNxK" (square: A[m][k] @ B[k][n]; the others: X[m][k] @ W[n][k].T),
GEMV "ROWSxCOLS" (W[rows][cols] @ x, fp32). Each shape runs repeated calls for S seconds after a
warm-up call; "gemm"/"gemv" hold the mean throughput over that window (work / total time), the
same measure as JMH's throughput mode on the Calx side, and "gemm_best"/"gemv_best" the best
single call (what this script reported before 2026-12-01: on this VM it is 5-28% above the
mean for GEMV, so best-vs-mean ratios understated Calx). The thread count comes from
OPENBLAS_NUM_THREADS.
"""
import json
import os
import sys
import time

GEMM = ["256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "512x4096x4096", "512x11008x4096"]
GEMV = ["4096x4096", "11008x4096"]
Q8_BYTES = 34 / 32


def timings(fn, seconds):
    """(mean, best) seconds per call over repeated calls for `seconds` after one warm-up call."""
    fn()
    best, calls, start = float("inf"), 0, time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        calls += 1
    return (time.perf_counter() - start) / calls, best


def measure(seconds, out):
    import numpy as np
    from _peer_blas import require_fast_blas
    require_fast_blas("compare_gemm_peer.py", lambda: np.ones((64, 64), dtype=np.float32) @ np.ones((64, 64), dtype=np.float32))
    rng = np.random.default_rng(42)
    res = {"threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "numpy": np.__version__, "gemm": {}, "gemv": {}, "gemm_best": {}, "gemv_best": {}}
    for s in GEMM:
        m, n, k = map(int, s.split("x"))
        a = rng.random((m, k), dtype=np.float32) - 0.5
        if m == n == k:
            b = rng.random((k, n), dtype=np.float32) - 0.5
            fn = lambda: a @ b
        else:
            w = rng.random((n, k), dtype=np.float32) - 0.5
            fn = lambda: a @ w.T
        mean, best = timings(fn, seconds)
        res["gemm"][s], res["gemm_best"][s] = 2.0 * m * n * k / mean / 1e9, 2.0 * m * n * k / best / 1e9
    for s in GEMV:
        rows, cols = map(int, s.split("x"))
        w = rng.standard_normal((rows, cols), dtype=np.float32)
        x = rng.standard_normal(cols, dtype=np.float32)
        mean, best = timings(lambda: w @ x, seconds)
        res["gemv"][s], res["gemv_best"][s] = w.nbytes / mean / 1e9, w.nbytes / best / 1e9
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, out)


def table(np1, np2, jmh):
    peers = {}
    for p in (np1, np2):
        with open(p) as f:
            d = json.load(f)
        peers[str(d["threads"])] = d
    with open(jmh) as f:
        runs = json.load(f)
    calx = {}
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)[-2]
        score = float(r["primaryMetric"]["score"])
        err = float(r["primaryMetric"].get("scoreError", "nan"))  # "NaN" (a string) with < 3 iterations
        calx[(name, r["params"]["shape"], r["params"].get("dtype", ""))] = (score, err)
    print("GEMM, GFLOP/s (higher is better); Calx = JMH mean ± 99.9% CI, OpenBLAS = numpy mean (best call)")
    print(f"| shape (MxNxK) | threads | Calx | OpenBLAS | Calx/OpenBLAS |")
    print("|---|---|---|---|---|")
    for threads, cls in (("1", "GemmSingleThreadBenchmark"), ("2", "GemmBenchmark")):
        for s in GEMM:
            if (cls, s, "") not in calx:
                continue
            m, n, k = map(int, s.split("x"))
            score, err = calx[(cls, s, "")]
            g, ge = score * 2 * m * n * k / 1e9, err * 2 * m * n * k / 1e9
            o = peers.get(threads, {}).get("gemm", {}).get(s, float("nan"))
            ob = peers.get(threads, {}).get("gemm_best", {}).get(s, float("nan"))
            print(f"| {s} | {threads} | {g:.1f} ± {ge:.1f} | {o:.1f} ({ob:.1f}) | {g / o:.2f} |")
    print()
    print("GEMV (decode, one token), GB/s of weights read; 2 threads; OpenBLAS = numpy fp32 sgemv, mean (best call)")
    print("| shape (out x in) | weights | Calx GB/s | ms per product | OpenBLAS fp32 GB/s | Calx/OpenBLAS GB/s | speed vs Calx fp32 |")
    print("|---|---|---|---|---|---|---|")
    for s in GEMV:
        rows, cols = map(int, s.split("x"))
        f32 = calx.get(("GemvBenchmark", s, "F32"))
        for dt, bpw in (("F32", 4), ("BF16", 2), ("Q8_0", Q8_BYTES)):
            if ("GemvBenchmark", s, dt) not in calx:
                continue
            score, err = calx[("GemvBenchmark", s, dt)]
            gbs = score * rows * cols * bpw / 1e9
            o = peers.get("2", {}).get("gemv", {}).get(s, float("nan"))
            ob = peers.get("2", {}).get("gemv_best", {}).get(s, float("nan"))
            speed = score / f32[0] if f32 else float("nan")
            print(f"| {s} | {dt} | {gbs:.1f} | {1e3 / score:.3f} | {o:.1f} ({ob:.1f}) | {gbs / o:.2f} | {speed:.2f}x |")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "measure":
        secs = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 3.0
        measure(secs, sys.argv[sys.argv.index("--out") + 1])
    elif len(sys.argv) == 5 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
