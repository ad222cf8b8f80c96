#!/usr/bin/python3
"""The sentencepiece library's encoding throughput on GSM8K train questions and answers, in the
unit of TokenizerBenchmark (UTF-8 bytes per second, printed as MB/s = 10^6 bytes/s).

Run from the repository root, under the machine-wide lock:
    flock /tmp/calx-build.lock /usr/bin/python3 benchmarks/tokenizer_peer.py

Two ways of calling it, both on one thread:
  loop:  sp.encode(text) per text from Python (what a Python data pipeline does; includes the
         Python call overhead)
  batch: sp.encode(all_texts, num_threads=1) (the C++ loop; least overhead)
Each is timed `--repeat` times over the whole corpus; the best and the median are printed.
"""
import argparse
import json
import os
import statistics
import time

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("CALX_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    sp = spm.SentencePieceProcessor(model_file=os.path.join(SHARED, "data/tokenizers/llama2/tokenizer.model"))
    texts = []
    with open(os.path.join(SHARED, "data/gsm8k/train.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                texts += [row["question"], row["answer"]]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print(f"sentencepiece {spm.__version__}: {len(texts)} texts, {nbytes} UTF-8 bytes")

    def loop():
        for t in texts:
            sp.encode(t)

    def batch():
        sp.encode(texts, num_threads=1)

    for name, fn in (("loop", loop), ("batch", batch)):
        fn()  # warm-up
        rates = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            rates.append(nbytes / (time.perf_counter() - t0) / 1e6)
        print(f"{name:5s}: best {max(rates):.2f} MB/s, median {statistics.median(rates):.2f} MB/s "
              f"over {args.repeat} runs")


if __name__ == "__main__":
    main()
