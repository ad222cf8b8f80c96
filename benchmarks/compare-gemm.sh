#!/usr/bin/env bash
# Calx GEMM/GEMV next to numpy + OpenBLAS on the same shapes, in one run, with the ratio
# Calx/OpenBLAS. Holds the machine-wide lock (/tmp/calx-build.lock) for the whole run.
#
#   benchmarks/compare-gemm.sh [--quick] [--no-build]
#
# --quick: 1 warm-up + 2 measurement iterations of 1 s per JMH shape and 1 s per numpy shape
# (a few minutes in all); default: the benchmarks' own annotations (3 + 5 iterations of 2 s).
# numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (so OpenBLAS picks its AVX-512
# kernel here) and, when Debian's libopenblas0-pthread is installed, with its libblas first on
# LD_LIBRARY_PATH for that command only (so numpy uses OpenBLAS even if the system default
# libblas.so.3 is the reference BLAS). Without it the script stops and says what to install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=0 build=1
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-gemm.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
if [ -z "${CALX_COMPARE_LOCKED:-}" ]; then
  export CALX_COMPARE_LOCKED=1
  exec flock /tmp/calx-build.lock "$0" "$@"
fi
. bin/_jdk.sh
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$openblas/libblas.so.3" ]; then
  echo "compare-gemm.sh: OpenBLAS is not installed ($openblas/libblas.so.3 missing); numpy would use the" >&2
  echo "reference BLAS. Install it: apt-get install -y libopenblas0-pthread" >&2
  exit 3
fi
jar=benchmarks/target/benchmarks.jar
if [ "$build" = 1 ]; then
  # already under the lock: call Maven directly (bin/build would wait for the lock we hold)
  MAVEN_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 --sun-misc-unsafe-memory-access=allow" \
    mvn -B -ntp -q -o -pl benchmarks -am -DskipTests package
fi
# raw results of the last run stay in benchmarks/target/compare-gemm/ (numpy*.json, jmh.json, jmh.log)
out=benchmarks/target/compare-gemm
rm -rf "$out" && mkdir -p "$out"
secs=3
jmh=()
if [ "$quick" = 1 ]; then secs=1; jmh=(-wi 1 -i 2 -w 1s -r 1s); fi
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $("$JAVA" -version 2>&1 | head -n1)"
for t in 1 2; do
  echo "== numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)') + OpenBLAS, $t thread(s)"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$t LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    /usr/bin/python3 benchmarks/compare_gemm_peer.py measure --seconds $secs --out "$out/numpy$t.json"
done
echo "== Calx JMH"
"$JAVA" -jar "$jar" 'dev.calx.benchmarks.(GemmBenchmark|GemmSingleThreadBenchmark|GemvBenchmark)' \
  "${jmh[@]}" -rf json -rff "$out/jmh.json" > "$out/jmh.log" 2>&1 || { tail -40 "$out/jmh.log"; exit 1; }
echo
/usr/bin/python3 benchmarks/compare_gemm_peer.py table "$out/numpy1.json" "$out/numpy2.json" "$out/jmh.json"
