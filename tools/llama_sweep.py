#!/usr/bin/python3
"""Random Llama configurations in every readable format: `calx logits` against PyTorch.

The committed fixtures (tools/llama_fixtures.py) are two chosen models. This draws N random ones
(1-3 layers; 1-4 KV heads with 1-4 query heads each; head dims 2-32; hidden sizes 1-129, or
multiples of 32 when the model is also written as Q8_0; vocabularies of 3-89; 1-23 tokens;
tied or untied head; rms_norm_eps 1e-3/1e-5/1e-6; rope_theta 100 to 1e6), writes each with
tools/llama_fixtures.py's writers as HF F32, BF16 and F16, llama2.c v0 and v1, GGUF F32, F16 and
BF16 (and Q8_0), and compares the last position's logits from `calx logits` with that script's
float64 PyTorch forward on the stored (rounded) weights: max |calx - ref| / max |ref| must be at
most 1e-4. llama2.c cannot store rms_norm_eps or rope_theta, so its reference uses the 1e-5 and
10000 that a reader assumes.

    /usr/bin/python3 tools/llama_sweep.py --calx bin/calx [--n 40] [--seed 2] [--dir /tmp/llama-sweep]

Prints each failure and the five largest errors; exits 1 when any run fails. Needs python3-torch
(Debian) and a built bin/calx; not part of CI. One JVM per file: about 0.85 s per run here.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_fixtures as lf  # noqa: E402  (torch is imported there)


def random_config(rng):
    q8 = rng.random() < 0.35
    while True:
        kv = rng.choice([1, 1, 2, 3, 4])
        heads = kv * rng.choice([1, 2, 3, 4])
        hd = rng.choice([8, 16, 32]) if q8 else rng.choice([2, 4, 6, 8, 16, 32])
        if not q8 or heads * hd % 32 == 0:
            break
    t = rng.randrange(1, 24)
    vocab = rng.randrange(3, 90)
    c = dict(hidden_size=heads * hd, intermediate_size=32 * rng.randrange(1, 5) if q8 else rng.randrange(1, 130),
             num_hidden_layers=rng.randrange(1, 4), num_attention_heads=heads, num_key_value_heads=kv,
             vocab_size=vocab, rms_norm_eps=rng.choice([1e-5, 1e-6, 1e-3]),
             rope_theta=rng.choice([10000.0, 500000.0, 100.0, 1e6]), max_position_embeddings=t + rng.randrange(0, 10),
             tie_word_embeddings=rng.random() < 0.5, bos_token_id=1 % vocab, eos_token_id=2 % vocab)
    return c, q8, [rng.randrange(vocab) for _ in range(t)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calx", required=True, help="the calx launcher (bin/calx)")
    ap.add_argument("--n", type=int, default=40, help="random models (default 40)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--dir", default="/tmp/llama-sweep", help="scratch directory, emptied first")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    shutil.rmtree(a.dir, ignore_errors=True)
    os.makedirs(a.dir)
    errors, fails, runs = [], 0, 0
    for k in range(a.n):
        c, q8, tokens = random_config(rng)
        w = lf.random_weights(c, seed=k)
        formats = ["hf_F32", "hf_BF16", "hf_F16", "v0", "v1", "gguf_F32", "gguf_F16", "gguf_BF16"]
        for f in formats + (["gguf_Q8_0"] if q8 else []):
            path = os.path.join(a.dir, "%d_%s" % (k, f))
            if f.startswith("hf_"):
                ref = lf.forward(c, lf.write_hf(path, c, w, f[3:]), tokens, interleaved=False)
            elif f in ("v0", "v1"):
                path += ".bin"
                lf.write_llama2c(path, c, w, int(f[1]))
                ref = lf.forward(dict(c, rope_theta=10000.0, rms_norm_eps=1e-5), w, tokens, interleaved=True)
            else:
                path += ".gguf"
                ref = lf.forward(c, lf.write_gguf(path, c, w, f[5:]), tokens, interleaved=True)
            ref = ref[-1].numpy()
            runs += 1
            r = subprocess.run([a.calx, "logits", "--model", path, "--tokens", ",".join(map(str, tokens))],
                               capture_output=True, text=True)
            if r.returncode != 0:
                fails += 1
                print("FAILED %s (exit %d): %s\n  config %s" % (path, r.returncode, r.stderr.strip()[-500:], c))
                continue
            got = np.array([float(x) for x in r.stdout.split()])
            if got.shape != ref.shape:
                fails += 1
                print("FAILED %s: %d logits, expected %d" % (path, got.size, ref.size))
                continue
            err = float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30))
            errors.append((err, path))
            if err > 1e-4:
                fails += 1
                print("DIFFERS %s: relative error %.3g\n  config %s\n  tokens %s" % (path, err, c, tokens))
    errors.sort(reverse=True)
    print("%d runs, %d failed; largest relative errors:" % (runs, fails))
    for e, p in errors[:5]:
        print("  %.3g  %s" % (e, p))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
