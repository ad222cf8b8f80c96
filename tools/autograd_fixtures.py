#!/usr/bin/python3
"""PyTorch reference fixtures for Calx's autograd (issue 4).

Builds small graphs per op and a tiny Llama-shaped model (embedding -> RMSNorm -> q/k/v ->
RoPE (interleaved pairs, Meta / llama2.c convention) -> causal GQA attention -> o_proj ->
residual -> RMSNorm -> SwiGLU MLP -> residual -> final RMSNorm -> lm_head -> cross-entropy with
an ignore mask), float32, fixed seeds, and writes inputs, outputs and every gradient to
autograd/src/test/resources/autograd/fixtures.bin. The Java tests (PyTorchFixtureTest) load it;
they never need PyTorch.

Format (little-endian): b"CALXFIX1", int32 count, then per entry: int32 name length, UTF-8 name,
int32 dtype (0 = float32, 1 = int32), int32 rank, int32 dims[rank], the data (row-major).

Run: /usr/bin/python3 tools/autograd_fixtures.py
"""
import math
import os
import struct
import tempfile

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "autograd", "src", "test", "resources",
                   "autograd", "fixtures.bin")
entries = []


def put(name, t):
    t = t.detach() if isinstance(t, torch.Tensor) else torch.tensor(t)
    if t.dtype in (torch.int64, torch.int32):
        entries.append((name, 1, list(t.shape), t.to(torch.int32).contiguous().numpy().tobytes()))
    else:
        entries.append((name, 0, list(t.shape), t.to(torch.float32).contiguous().numpy().tobytes()))


def leaf(g, *shape, scale=1.0):
    return (torch.randn(*shape, generator=g) * scale).requires_grad_(True)


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, head_dim, theta, positions):
    """x [N, heads*head_dim]; rotates interleaved pairs (2i, 2i+1) by pos * theta^(-2i/head_dim)."""
    n, c = x.shape
    i = torch.arange(0, head_dim, 2, dtype=torch.float64)
    freq = 1.0 / (theta ** (i / head_dim))
    ang = positions.to(torch.float64)[:, None] * freq[None, :]
    cos, sin = torch.cos(ang).float(), torch.sin(ang).float()
    xr = x.view(n, c // head_dim, head_dim // 2, 2)
    x0, x1 = xr[..., 0], xr[..., 1]
    c_, s_ = cos[:, None, :], sin[:, None, :]
    return torch.stack([x0 * c_ - x1 * s_, x0 * s_ + x1 * c_], dim=-1).view(n, c)


def attention(q, k, v, batch, heads, kv_heads, segments=None):
    n = q.shape[0]
    seq, hd = n // batch, q.shape[1] // heads
    qh = q.view(batch, seq, heads, hd).transpose(1, 2)
    kh = k.view(batch, seq, kv_heads, hd).transpose(1, 2).repeat_interleave(heads // kv_heads, dim=1)
    vh = v.view(batch, seq, kv_heads, hd).transpose(1, 2).repeat_interleave(heads // kv_heads, dim=1)
    s = qh @ kh.transpose(-1, -2) / math.sqrt(hd)
    allowed = torch.tril(torch.ones(seq, seq, dtype=torch.bool))[None, None]
    if segments is not None:
        seg = segments.view(batch, seq)
        # a token sees earlier tokens of its own run of equal ids
        run = torch.cumsum(torch.cat([torch.ones(batch, 1, dtype=torch.long),
                                      (seg[:, 1:] != seg[:, :-1]).long()], dim=1), dim=1)
        allowed = allowed & (run[:, None, :, None] == run[:, None, None, :])
    s = s.masked_fill(~allowed, float("-inf"))
    p = torch.softmax(s, dim=-1)
    return (p @ vh).transpose(1, 2).reshape(n, heads * hd)


def record(prefix, inputs, out, extra=None):
    """Writes inputs, the output, a random upstream gradient (non-scalar outputs) and the input grads."""
    for k, v in inputs.items():
        put(f"{prefix}.{k}", v)
    put(f"{prefix}.out", out)
    if out.numel() == 1:
        out.backward()
    else:
        dy = torch.randn(out.shape, generator=G)
        put(f"{prefix}.dout", dy)
        out.backward(dy)
    for k, v in inputs.items():
        if isinstance(v, torch.Tensor) and v.requires_grad:
            put(f"{prefix}.d{k}", v.grad)
    for k, v in (extra or {}).items():
        put(f"{prefix}.{k}", v)


G = torch.Generator().manual_seed(1234)

# ---- single ops
x, w = leaf(G, 6, 5), leaf(G, 4, 5)
record("linear", {"x": x, "w": w}, x @ w.t())
a, b = leaf(G, 3, 4), leaf(G, 4, 6)
record("matmul", {"a": a, "b": b}, a @ b)
a, b = leaf(G, 5, 7), leaf(G, 7)
record("addRow", {"a": a, "b": b}, a + b)
a, b = leaf(G, 5, 7), leaf(G, 7)
record("mulRow", {"a": a, "b": b}, a * b)
a, b = leaf(G, 5, 7), leaf(G, 5, 7)
record("mul", {"a": a, "b": b}, a * b)
x = leaf(G, 4, 9, scale=2.0)
record("silu", {"x": x}, F.silu(x))
g_, u = leaf(G, 4, 9, scale=2.0), leaf(G, 4, 9)
record("swiglu", {"gate": g_, "up": u}, F.silu(g_) * u)
x, w = leaf(G, 5, 12), leaf(G, 12)
record("rmsNorm", {"x": x, "w": w}, rms_norm(x, w, 1e-5))
x = leaf(G, 10, 3 * 8)  # 2 sequences of 5, 3 heads of 8
pos = torch.arange(10) % 5
record("rope", {"x": x}, rope(x, 8, 10000.0, pos))
q, k, v = leaf(G, 2 * 9, 4 * 8), leaf(G, 2 * 9, 2 * 8), leaf(G, 2 * 9, 2 * 8)
record("attentionGqa", {"q": q, "k": k, "v": v}, attention(q, k, v, 2, 4, 2))
q, k, v = leaf(G, 12, 3 * 4), leaf(G, 12, 1 * 4), leaf(G, 12, 1 * 4)
seg = torch.tensor([0, 0, 0, 0, 1, 1, 1, 5, 5, 2, 2, 2])
record("attentionPacked", {"q": q, "k": k, "v": v}, attention(q, k, v, 2, 3, 1, seg), {"segments": seg})
q, k, v = leaf(G, 3, 6), leaf(G, 3, 6), leaf(G, 3, 6)
record("attentionLen1", {"q": q, "k": k, "v": v}, attention(q, k, v, 3, 1, 1))
logits = leaf(G, 7, 11, scale=3.0)
tgt = torch.tensor([3, -100, 0, 10, -100, 5, 5])
record("crossEntropy", {"logits": logits}, F.cross_entropy(logits, tgt, ignore_index=-100, reduction="sum") / 9.0,
       {"targets": tgt})
logits = leaf(G, 5, 6, scale=3.0)
tgt = torch.tensor([-100, -100, 4, -100, -100])
record("crossEntropyOne", {"logits": logits}, F.cross_entropy(logits, tgt, ignore_index=-100, reduction="sum") / 1.0,
       {"targets": tgt})
table = leaf(G, 9, 5)
ids = torch.tensor([3, 0, 3, 8, 3, 1])
record("embedding", {"table": table}, table[ids], {"ids": ids})

# ---- tiny Llama: embedding -> block -> final norm -> lm_head -> masked cross-entropy
B, T, D, H, KV, HID, V = 2, 7, 16, 4, 2, 24, 19
HD, EPS, THETA = D // H, 1e-5, 10000.0
P = {
    "embed": leaf(G, V, D),
    "attn_norm": (1 + 0.1 * torch.randn(D, generator=G)).requires_grad_(True),
    "wq": leaf(G, H * HD, D, scale=D ** -0.5), "wk": leaf(G, KV * HD, D, scale=D ** -0.5),
    "wv": leaf(G, KV * HD, D, scale=D ** -0.5), "wo": leaf(G, D, H * HD, scale=D ** -0.5),
    "ffn_norm": (1 + 0.1 * torch.randn(D, generator=G)).requires_grad_(True),
    "w_gate": leaf(G, HID, D, scale=D ** -0.5), "w_up": leaf(G, HID, D, scale=D ** -0.5),
    "w_down": leaf(G, D, HID, scale=HID ** -0.5),
    "final_norm": (1 + 0.1 * torch.randn(D, generator=G)).requires_grad_(True),
    "lm_head": leaf(G, V, D, scale=D ** -0.5),
}
ids = torch.randint(0, V, (B * T,), generator=G)
targets = torch.randint(0, V, (B * T,), generator=G)
targets[[0, 3, 7, 8, 13]] = -100
count = 20.0  # the caller's token count (e.g. of the whole optimizer step), not this batch's
pos = torch.arange(B * T) % T
x = P["embed"][ids]
h = rms_norm(x, P["attn_norm"], EPS)
q = rope(h @ P["wq"].t(), HD, THETA, pos)
k = rope(h @ P["wk"].t(), HD, THETA, pos)
v = h @ P["wv"].t()
x = x + attention(q, k, v, B, H, KV) @ P["wo"].t()
m = rms_norm(x, P["ffn_norm"], EPS)
x = x + (F.silu(m @ P["w_gate"].t()) * (m @ P["w_up"].t())) @ P["w_down"].t()
logits = rms_norm(x, P["final_norm"], EPS) @ P["lm_head"].t()
loss = F.cross_entropy(logits, targets, ignore_index=-100, reduction="sum") / count
put("llama.ids", ids)
put("llama.targets", targets)
put("llama.logits", logits)
record("llama", P, loss)

# ---- write (temp file, then rename)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT))
with os.fdopen(fd, "wb") as f:
    f.write(b"CALXFIX1")
    f.write(struct.pack("<i", len(entries)))
    for name, dtype, shape, data in entries:
        nb = name.encode()
        f.write(struct.pack("<i", len(nb)) + nb + struct.pack("<ii", dtype, len(shape)))
        f.write(struct.pack(f"<{len(shape)}i", *shape))
        f.write(data)
os.replace(tmp, OUT)
print(f"wrote {len(entries)} entries, {os.path.getsize(OUT)} bytes to {os.path.normpath(OUT)}")
