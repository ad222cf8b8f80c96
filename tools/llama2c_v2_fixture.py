#!/usr/bin/python3
"""Reference fixtures for llama2.c checkpoints of version 2 (int8 groups with fp32 scales).

The format, as llama2.c's export.py (version2_export) writes it and runq.c reads it:
  256-byte header: uint32 magic 0x616b3432 ("ak42"), int32 version 2, 7 int32 (dim, hidden_dim,
  n_layers, n_heads, n_kv_heads, vocab_size, seq_len), uint8 shared_classifier, int32 group_size
  (at byte 37, unaligned), zero padding;
  fp32: every layer's attention norm, every layer's ffn norm, the final norm;
  then per quantized tensor (embedding, wq*, wk*, wv*, wo*, w1*, w2*, w3* over all layers, and the
  classifier when unshared): its int8 values, then its fp32 scales (one per group of group_size
  consecutive values of the flattened tensor; groups may run across rows).
Quantization per group: scale = max|w| / 127 (fp32), q = round_half_even(w / scale) (torch.round).

This script quantizes small random models itself (written here from that description; no code of
llama2.c is imported) and records, for each file, the logits of the *dequantized* model
(q * scale in fp32, the weights a float reader must see) from the reference forward of
tools/llama_fixtures.py (Meta/llama2.c math, float64), plus a CRC-32 of every dequantized tensor's
fp32 little-endian bytes, so that a reader can be checked for bit-exact weights.

Models:
  c: group size 32, unshared, hidden_dim 48; also written unquantized as llama2.c v1 (c_v1.bin) so
     that a v2 writer can be checked against this script's quantization on arbitrary floats.
  a: group size 64, unshared classifier, GQA 2:1, hidden_dim 96 (groups of w2 cross rows),
     random weights (scales are arbitrary fp32 values).
  b: group size 32, shared classifier, weights built as q * s with s an fp16 value and one |q| = 127
     per group, so that quantizing gives exactly those s and q (like a GGML Q8_0 model exported to
     v2): a reader can keep these as Q8_0 blocks without changing a bit.

Run:  /usr/bin/python3 tools/llama2c_v2_fixture.py   (writes llama/src/test/resources/fixtures/llama2c_v2/)
"""
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_fixtures import forward, names, random_weights, write_llama2c  # noqa: E402  (reference forward, HF names, v1 writer)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "llama", "src", "test", "resources", "fixtures",
                   "llama2c_v2")

BASE = dict(rms_norm_eps=1e-5, rope_theta=10000.0, bos_token_id=1, eos_token_id=2)  # llama2.c's fixed values
MODELS = {
    "a": dict(BASE, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, vocab_size=40, max_position_embeddings=32, tie_word_embeddings=False,
              group_size=64, tokens=[1, 7, 39, 3, 3, 20, 0, 11, 2, 25]),
    "b": dict(BASE, hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2,
              num_key_value_heads=2, vocab_size=48, max_position_embeddings=16, tie_word_embeddings=True,
              group_size=32, tokens=[1, 47, 5, 5, 30, 12, 0, 2]),
    # the quantizer itself: the unquantized weights are also written as llama2.c v1, so a writer can
    # be checked against this script's quantization (hidden_dim 48: groups of w2 cross rows)
    "c": dict(BASE, hidden_size=32, intermediate_size=48, num_hidden_layers=1, num_attention_heads=2,
              num_key_value_heads=1, vocab_size=16, max_position_embeddings=8, tie_word_embeddings=False,
              group_size=32, tokens=[1, 15, 3, 9, 2]),
}


def quantized_names(c):
    """The order of the int8 tensors in a v2 file, by HF name."""
    L = c["num_hidden_layers"]
    per = lambda s: [f"model.layers.{i}.{s}.weight" for i in range(L)]
    out = ["model.embed_tokens.weight"]
    for s in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
              "mlp.gate_proj", "mlp.down_proj", "mlp.up_proj"]:  # w1, w2, w3
        out += per(s)
    if not c["tie_word_embeddings"]:
        out.append("lm_head.weight")
    return out


def quantize(w, gs):
    """int8 values and fp32 scales of a tensor, flattened, in groups of gs (symmetric, [-127, 127])."""
    flat = w.detach().float().reshape(-1, gs)
    scale = flat.abs().max(dim=1).values / 127.0
    q = torch.round(flat / scale[:, None]).to(torch.int8)  # round half to even, as torch.round does
    return q.reshape(-1), scale


def dequantize(q, scale, gs, shp):
    return (q.reshape(-1, gs).float() * scale[:, None]).reshape(shp)


def q8_like_weights(c, seed):
    """Weights that are exactly q * s per group of 32, s an fp16 value, one |q| = 127 per group."""
    g = torch.Generator().manual_seed(seed)
    w = random_weights(c, seed)
    for n in quantized_names(c):
        shp = w[n].shape
        groups = w[n].numel() // 32
        s = (torch.rand(groups, generator=g) * 0.02 + 0.001).half().float()
        q = torch.randint(-126, 127, (groups, 32), generator=g, dtype=torch.int32)
        pick = torch.randint(0, 32, (groups,), generator=g)
        sign = torch.where(torch.rand(groups, generator=g) < 0.5, -1, 1).to(torch.int32)
        q[torch.arange(groups), pick] = 127 * sign
        w[n] = (q.float() * s[:, None]).reshape(shp)
    return w


def write_v2(path, c, w):
    """Writes the v2 file; returns the dequantized weights (HF names, Meta order) a reader must see."""
    gs = c["group_size"]
    d, L = c["hidden_size"], c["num_hidden_layers"]
    assert d % gs == 0
    back = {n: w[n].float() for n in w if w[n].dim() == 1}
    head = struct.pack("<Ii", 0x616B3432, 2)
    head += struct.pack("<7i", d, c["intermediate_size"], L, c["num_attention_heads"], c["num_key_value_heads"],
                        c["vocab_size"], c["max_position_embeddings"])
    head += struct.pack("<B", 1 if c["tie_word_embeddings"] else 0) + struct.pack("<i", gs)
    head += b"\0" * (256 - len(head))
    body = b""
    for s in ["input_layernorm", "post_attention_layernorm"]:
        for i in range(L):
            body += w[f"model.layers.{i}.{s}.weight"].float().numpy().astype("<f4").tobytes()
    body += w["model.norm.weight"].float().numpy().astype("<f4").tobytes()
    for n in quantized_names(c):
        assert w[n].numel() % gs == 0, n
        q, scale = quantize(w[n], gs)
        body += q.numpy().astype(np.int8).tobytes() + scale.numpy().astype("<f4").tobytes()
        back[n] = dequantize(q, scale, gs, w[n].shape)
    if c["tie_word_embeddings"]:
        back["lm_head.weight"] = back["model.embed_tokens.weight"]
    with open(path, "wb") as f:
        f.write(head + body)
    return back


def crc(t):
    return zlib.crc32(t.detach().float().contiguous().numpy().astype("<f4").tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    index = []
    for key, c in MODELS.items():
        seed = 4321 + ord(key)
        w = q8_like_weights(c, seed) if key == "b" else random_weights(c, seed)
        name = f"{key}_v2_gs{c['group_size']}.bin"
        back = write_v2(os.path.join(OUT, name), c, w)
        if key == "b":  # the construction must survive quantization bit for bit
            for n in quantized_names(c):
                assert torch.equal(back[n], w[n]), n
        tokens = c["tokens"]
        logits = forward(c, back, tokens, interleaved=True).numpy().astype("<f4")
        lf = name.replace(".bin", ".logits.f32")
        logits.tofile(os.path.join(OUT, lf))
        crcs = {n: crc(back[n]) for n in names(c) if n != "lm_head.weight" or not c["tie_word_embeddings"]}
        entry = {}
        if key == "c":
            entry["unquantized_v1"] = f"{key}_v1.bin"
            write_llama2c(os.path.join(OUT, entry["unquantized_v1"]), c, w, 1)
        index.append({**entry, "model": name, "tokens": tokens, "logits": lf, "shape": list(logits.shape),
                      "group_size": c["group_size"], "crc32_f32": crcs,
                      "config": {k: v for k, v in c.items() if k not in ("tokens", "group_size")}})
    with open(os.path.join(OUT, "fixtures.json"), "w") as f:
        f.write(json.dumps(index, indent=1) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, fn)) for fn in os.listdir(OUT))
    print("wrote", len(index), "v2 fixtures,", total, "bytes under", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
