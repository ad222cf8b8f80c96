#!/usr/bin/python3
"""PyTorch peer of LlamaBlockBenchmark: forward + backward of one Llama block in fp32.

dim 288, 6 heads (head dim 48, no GQA), hidden 768, batch 8, seq 256 (2048 tokens), RMSNorm ->
q/k/v -> RoPE (interleaved pairs) -> causal attention -> o_proj -> residual -> RMSNorm ->
SwiGLU -> residual; backward from a fixed random output gradient into the input and all nine
parameters. Prints tokens/s (tokens of the batch per forward+backward), median of the runs.

Run (2 threads, like the JMH benchmark): flock /tmp/calx-build.lock /usr/bin/python3 benchmarks/block_torch.py
Options: --threads N --batch B --seq T --runs R
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--batch", type=int, default=8)
ap.add_argument("--seq", type=int, default=256)
ap.add_argument("--runs", type=int, default=10)
ap.add_argument("--warmup", type=int, default=3)
args = ap.parse_args()
torch.set_num_threads(args.threads)
from _peer_blas import require_fast_blas
require_fast_blas("block_torch.py", lambda: torch.ones(64, 64) @ torch.ones(64, 64))

D, H, HID, EPS, THETA = 288, 6, 768, 1e-5, 10000.0
HD, B, T = D // H, args.batch, args.seq
N = B * T
g = torch.Generator().manual_seed(0)


def p(*shape, scale=1.0):
    return (torch.randn(*shape, generator=g) * scale).requires_grad_(True)


params = dict(attn_norm=p(D), wq=p(D, D, scale=D ** -0.5), wk=p(D, D, scale=D ** -0.5),
              wv=p(D, D, scale=D ** -0.5), wo=p(D, D, scale=D ** -0.5), ffn_norm=p(D),
              w_gate=p(HID, D, scale=D ** -0.5), w_up=p(HID, D, scale=D ** -0.5), w_down=p(D, HID, scale=HID ** -0.5))
x = p(N, D)
dy = torch.randn(N, D, generator=g)

i = torch.arange(0, HD, 2, dtype=torch.float64)
ang = (torch.arange(N) % T).to(torch.float64)[:, None] * (1.0 / THETA ** (i / HD))[None, :]
COS, SIN = torch.cos(ang).float()[:, None, :], torch.sin(ang).float()[:, None, :]
MASK = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)


def rms_norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def rope(x):
    xr = x.view(N, H, HD // 2, 2)
    x0, x1 = xr[..., 0], xr[..., 1]
    return torch.stack([x0 * COS - x1 * SIN, x0 * SIN + x1 * COS], dim=-1).view(N, D)


def block(x, P):
    h = rms_norm(x, P["attn_norm"])
    q = rope(h @ P["wq"].t()).view(B, T, H, HD).transpose(1, 2)
    k = rope(h @ P["wk"].t()).view(B, T, H, HD).transpose(1, 2)
    v = (h @ P["wv"].t()).view(B, T, H, HD).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / math.sqrt(HD) + MASK
    a = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(N, D)
    x = x + a @ P["wo"].t()
    m = rms_norm(x, P["ffn_norm"])
    return x + (F.silu(m @ P["w_gate"].t()) * (m @ P["w_up"].t())) @ P["w_down"].t()


def step():
    for t in list(params.values()) + [x]:
        t.grad = None
    block(x, params).backward(dy)


for _ in range(args.warmup):
    step()
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
med = statistics.median(times)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {B} x seq {T}: "
      f"{N / med:,.0f} tokens/s (median {med * 1e3:.1f} ms per forward+backward over {args.runs} runs, "
      f"best {N / min(times):,.0f} tokens/s)")
