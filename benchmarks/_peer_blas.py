"""Which BLAS a peer script's library (numpy, PyTorch) does its products through, checked at start.

Debian installs the reference BLAS (libblas3) with python3-numpy and python3-torch; OpenBLAS
(libopenblas0-pthread) takes over libblas.so.3 only when it is installed, and its liblapack.so.3
can be OpenBLAS's while libblas.so.3 is still the reference one. The reference sgemv and sgemm
are single-threaded and unblocked (sgemv read 3.9-4.2 GB/s here, OpenBLAS 22.7-31.5 GB/s in
the same quarter hour), so a peer figure measured through it, or a memory bound derived from one, is far
too low. `require_fast_blas` exits with status 2 and says what to install instead.
"""
import os
import sys

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"  # Debian's; Suite.OPENBLAS_DIR on the Java side
FAST = ("openblas", "mkl", "blis", "accelerate", "flexiblas")


def _mapped_blas():
    """The BLAS-like shared libraries this process has mapped, or None where /proc/self/maps cannot be read."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return None
    return sorted(p for p in paths if "blas" in os.path.basename(p).lower() or "mkl" in os.path.basename(p).lower())


def _fast(path):
    return any(f in os.path.realpath(path).lower() for f in FAST)


def _remedy():
    if os.path.exists(os.path.join(OPENBLAS_DIR, "libblas.so.3")):
        return (f"OpenBLAS is installed but not chosen: run with LD_LIBRARY_PATH={OPENBLAS_DIR}, or "
                f"update-alternatives --set libblas.so.3-x86_64-linux-gnu {OPENBLAS_DIR}/libblas.so.3")
    return "On Debian: apt-get install libopenblas0-pthread"


def require_fast_blas(who, product):
    """Runs `product()` (a small matrix product, which loads the BLAS) and exits 2 unless it is an optimized one."""
    product()
    libs = _mapped_blas()
    if libs is None:
        print(f"{who}: cannot read /proc/self/maps; not checking which BLAS is used", file=sys.stderr)
        return
    reference = [p for p in libs if os.path.basename(p).startswith("libblas") and not _fast(p)]
    if reference or not any(_fast(p) for p in libs):
        loaded = ", ".join(os.path.realpath(p) for p in (reference or libs)) or "no BLAS library"
        print(f"{who}: the matrix products do not go through an optimized BLAS (loaded: {loaded}). "
              "The reference BLAS is single-threaded and unblocked, so its figures would be far too low. "
              + _remedy(), file=sys.stderr)
        sys.exit(2)
