# Matrix-vector bandwidth of numpy (OpenBLAS sgemv) on this machine, for the decode memory bound.
import os, time, numpy as np
for rows, cols in [(2048, 768), (32000, 768), (8192, 8192)]:
    w = np.random.default_rng(0).standard_normal((rows, cols), dtype=np.float32)
    x = np.ones(cols, dtype=np.float32)
    for _ in range(3): w @ x
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 2: w @ x; n += 1
    dt = (time.perf_counter() - t0) / n
    print(f"sgemv [{rows}x{cols}] fp32 ({w.nbytes/1e6:.1f} MB): {w.nbytes/dt/1e9:.1f} GB/s, threads={os.environ.get('OPENBLAS_NUM_THREADS','default')}")
