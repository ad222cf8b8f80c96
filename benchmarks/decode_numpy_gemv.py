# Matrix-vector bandwidth of numpy (OpenBLAS sgemv) on this machine, for the decode memory bound.
#   python3 decode_numpy_gemv.py            three shapes, 2 s each, one line per shape
#   python3 decode_numpy_gemv.py --serve S  8192x8192 only: each line "go" on stdin measures for
#                                           S seconds and answers with the GB/s on one line
#                                           (DecodeBoundCheck alternates this with Calx's decode)
#
# It refuses to run (exit 2) when numpy goes through the reference BLAS (_peer_blas.py): that
# sgemv read 4 GB/s here and would make every bound measured against it far too easy to meet.
import os, sys, time, numpy as np

from _peer_blas import require_fast_blas

require_fast_blas("decode_numpy_gemv.py", lambda: np.ones((64, 64), dtype=np.float32) @ np.ones(64, dtype=np.float32))

def bandwidth(w, x, seconds):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds: w @ x; n += 1
    return w.nbytes / ((time.perf_counter() - t0) / n) / 1e9

def matrix(rows, cols):
    w = np.random.default_rng(0).standard_normal((rows, cols), dtype=np.float32)
    x = np.ones(cols, dtype=np.float32)
    for _ in range(3): w @ x
    return w, x

if len(sys.argv) == 3 and sys.argv[1] == "--serve":
    seconds = float(sys.argv[2])
    w, x = matrix(8192, 8192)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go": break
        print(f"{bandwidth(w, x, seconds):.2f}", flush=True)
else:
    for rows, cols in [(2048, 768), (32000, 768), (8192, 8192)]:
        w, x = matrix(rows, cols)
        gbs = bandwidth(w, x, 2)
        print(f"sgemv [{rows}x{cols}] fp32 ({w.nbytes/1e6:.1f} MB): {gbs:.1f} GB/s, threads={os.environ.get('OPENBLAS_NUM_THREADS','default')}")
