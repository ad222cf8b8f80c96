#!/usr/bin/python3
"""PyTorch peer of PrefillBenchmark: a 512-token prompt through a whole Llama, fp32, no grad.

Shapes as DecodeShapes (llama2.c's stories15M: dim 288, 6 layers, 6 heads, hidden 768;
stories110M: dim 768, 12 layers, 12 heads, hidden 2048; vocab 32000, tied head, no GQA), random
weights. One pass = embedding, every layer (RMSNorm, q/k/v, RoPE, causal attention over the
prompt, o_proj, SwiGLU), final norm and the head for the last position only, as Calx's
`session.append(prompt)` returns the last position's logits. Prints one contract JSON line per
shape (docs/benchmarks.md): {"bench": "prefill", "peer": "torch ...", "value": tokens/s, ...}.

Install: apt-get install -y python3-torch
Run (2 threads, like the JMH benchmark): flock /tmp/calx-build.lock /usr/bin/python3 benchmarks/prefill_torch.py
Options: --threads N --runs R --warmup W --shapes stories15M,stories110M
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

SHAPES = {"stories15M": (288, 6, 6, 768), "stories110M": (768, 12, 12, 2048)}
VOCAB, T, EPS, THETA = 32000, 512, 1e-5, 10000.0

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--shapes", default="stories15M,stories110M")
args = ap.parse_args()
torch.set_num_threads(args.threads)
from _peer_blas import require_fast_blas
require_fast_blas("prefill_torch.py", lambda: torch.ones(64, 64) @ torch.ones(64, 64))
g = torch.Generator().manual_seed(0)


def model(dim, layers, heads, hidden):
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    L = [dict(an=torch.ones(dim), wq=r(dim, dim), wk=r(dim, dim), wv=r(dim, dim), wo=r(dim, dim),
              fn=torch.ones(dim), w1=r(hidden, dim), w3=r(hidden, dim), w2=r(dim, hidden)) for _ in range(layers)]
    return dict(emb=r(VOCAB, dim), layers=L, norm=torch.ones(dim), heads=heads)


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def forward(m, ids, cos, sin, mask):
    x = m["emb"][ids]
    H = m["heads"]
    D = x.shape[1]
    hd = D // H
    for p in m["layers"]:
        h = rms(x, p["an"])
        q, k, v = (h @ p["wq"].t()).view(T, H, hd), (h @ p["wk"].t()).view(T, H, hd), (h @ p["wv"].t()).view(T, H, hd)

        def rope(t):
            a, b = t[..., 0::2], t[..., 1::2]
            return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)

        q, k = rope(q).transpose(0, 1), rope(k).transpose(0, 1)
        s = q @ k.transpose(-1, -2) / math.sqrt(hd) + mask
        a = (torch.softmax(s, dim=-1) @ v.transpose(0, 1)).transpose(0, 1).reshape(T, D)
        x = x + a @ p["wo"].t()
        h = rms(x, p["fn"])
        x = x + (F.silu(h @ p["w1"].t()) * (h @ p["w3"].t())) @ p["w2"].t()
    return rms(x[-1:], m["norm"]) @ m["emb"].t()


with torch.no_grad():
    ids = torch.tensor([(i * 7919 + 1) % VOCAB for i in range(T)])
    mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
    for name in args.shapes.split(","):
        dim, layers, heads, hidden = SHAPES[name]
        m = model(dim, layers, heads, hidden)
        hd = dim // heads
        i = torch.arange(0, hd, 2, dtype=torch.float64)
        ang = torch.arange(T, dtype=torch.float64)[:, None] * (1.0 / THETA ** (i / hd))[None, :]
        cos, sin = torch.cos(ang).float()[:, None, :], torch.sin(ang).float()[:, None, :]
        for _ in range(args.warmup):
            forward(m, ids, cos, sin, mask)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            forward(m, ids, cos, sin, mask)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {name} fp32, {T}-token prefill: "
              f"{T / med:,.0f} tokens/s (median {med * 1e3:.1f} ms over {args.runs} runs)")
        print(json.dumps({"bench": "prefill", "peer": f"torch {torch.__version__}", "value": round(T / med, 1),
                          "unit": "tokens/s", "params": {"shape": name, "dtype": "F32"}, "threads": str(torch.get_num_threads())}))
