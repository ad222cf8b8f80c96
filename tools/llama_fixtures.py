#!/usr/bin/python3
"""Reference fixtures for the llama module, produced by PyTorch (no transformers package).

Builds two small random Llama models with awkward sizes, writes them in every checkpoint
format the Java code reads (Hugging Face safetensors, llama2.c v0 and v1, GGUF), each written
here by hand from the published format descriptions, and records the logits of a reference
forward written in plain torch after Hugging Face's LlamaForCausalLM (rotate-half RoPE on the
HF-permuted q/k weights). A second forward in the Meta/llama2.c convention (interleaved RoPE on
the unpermuted weights) must agree, which checks the permutation itself.

Run:  /usr/bin/python3 tools/llama_fixtures.py   (writes llama/src/test/resources/fixtures/)
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "llama", "src", "test", "resources", "fixtures")

MODELS = {
    # GQA 3:1, untied head, head dim 16, odd hidden size, llama2.c's eps/theta
    "a": dict(hidden_size=48, intermediate_size=100, num_hidden_layers=2, num_attention_heads=3,
              num_key_value_heads=1, vocab_size=37, rms_norm_eps=1e-5, rope_theta=10000.0,
              max_position_embeddings=64, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
              tokens=[1, 5, 9, 33, 0, 17, 36, 2, 8, 8, 21, 30]),
    # GQA 2:1, tied head, Q8_0-friendly sizes, Llama-3-like theta and eps
    "b": dict(hidden_size=64, intermediate_size=96, num_hidden_layers=1, num_attention_heads=4,
              num_key_value_heads=2, vocab_size=32, rms_norm_eps=1e-6, rope_theta=500000.0,
              max_position_embeddings=32, tie_word_embeddings=True, bos_token_id=1, eos_token_id=2,
              tokens=[1, 31, 4, 4, 15, 0, 22, 9, 3]),
}


def names(c):
    n = ["model.embed_tokens.weight"]
    for i in range(c["num_hidden_layers"]):
        for s in ["input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                  "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]:
            n.append(f"model.layers.{i}.{s}.weight")
    n.append("model.norm.weight")
    if not c["tie_word_embeddings"]:
        n.append("lm_head.weight")
    return n


def shape(c, name):
    d, h, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    kv = d // c["num_attention_heads"] * c["num_key_value_heads"]
    if name in ("model.embed_tokens.weight", "lm_head.weight"):
        return (v, d)
    if name == "model.norm.weight" or name.endswith("layernorm.weight"):
        return (d,)
    part = name.split(".")[3] + "." + name.split(".")[4]
    return {"self_attn.q_proj": (d, d), "self_attn.o_proj": (d, d), "self_attn.k_proj": (kv, d),
            "self_attn.v_proj": (kv, d), "mlp.gate_proj": (h, d), "mlp.up_proj": (h, d), "mlp.down_proj": (d, h)}[part]


def random_weights(c, seed):
    """Meta-convention (interleaved RoPE) weights, float32."""
    g = torch.Generator().manual_seed(seed)
    w = {}
    for n in names(c):
        s = shape(c, n)
        if len(s) == 1:
            w[n] = (1 + 0.1 * torch.randn(s, generator=g)).float()
        else:
            w[n] = (torch.randn(s, generator=g) / s[1] ** 0.5).float()
    return w


def hf_permute(w, n_heads):
    """Meta (interleaved) rows -> HF rotate-half rows, as transformers' convert_llama_weights_to_hf.py does."""
    dim1, dim2 = w.shape
    return w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)


def to_hf(c, w):
    out = dict(w)
    for i in range(c["num_hidden_layers"]):
        q, k = f"model.layers.{i}.self_attn.q_proj.weight", f"model.layers.{i}.self_attn.k_proj.weight"
        out[q] = hf_permute(w[q], c["num_attention_heads"])
        out[k] = hf_permute(w[k], c["num_key_value_heads"])
    return out


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(c, w, tokens, interleaved):
    """Logits [T][V] in float64. interleaved=False is HF's math on HF weights; True is Meta's on Meta weights."""
    w = {k: v.double() for k, v in w.items()}
    d, H, KV = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd, T, eps = d // H, len(tokens), c["rms_norm_eps"]
    pos = torch.arange(T, dtype=torch.float64)
    inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(pos, inv_freq)  # [T][hd/2]

    def rope(x):  # x [heads][T][hd]
        if interleaved:
            xr = x.reshape(*x.shape[:-1], hd // 2, 2)
            a, b = xr[..., 0], xr[..., 1]
            cos, sin = freqs.cos(), freqs.sin()
            return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).reshape(x.shape)
        emb = torch.cat((freqs, freqs), dim=-1)
        return x * emb.cos() + rotate_half(x) * emb.sin()

    x = w["model.embed_tokens.weight"][tokens]
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for i in range(c["num_hidden_layers"]):
        p = lambda s: w[f"model.layers.{i}.{s}.weight"]
        h = rms_norm(x, p("input_layernorm"), eps)
        q = (h @ p("self_attn.q_proj").T).view(T, H, hd).transpose(0, 1)
        k = (h @ p("self_attn.k_proj").T).view(T, KV, hd).transpose(0, 1)
        v = (h @ p("self_attn.v_proj").T).view(T, KV, hd).transpose(0, 1)
        q, k = rope(q), rope(k)
        k = k.repeat_interleave(H // KV, dim=0)
        v = v.repeat_interleave(H // KV, dim=0)
        att = torch.softmax(q @ k.transpose(1, 2) / hd ** 0.5 + mask, dim=-1) @ v
        x = x + att.transpose(0, 1).reshape(T, d) @ p("self_attn.o_proj").T
        h = rms_norm(x, p("post_attention_layernorm"), eps)
        x = x + (torch.nn.functional.silu(h @ p("mlp.gate_proj").T) * (h @ p("mlp.up_proj").T)) @ p("mlp.down_proj").T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


# ---------------------------------------------------------------- storage formats

def q8_0(w):
    """GGML Q8_0 (quantize_row_q8_0_ref): per 32 values d = amax/127 (stored fp16), q = roundf(x/d)."""
    x = w.numpy().astype(np.float32).reshape(-1, 32)
    amax = np.abs(x).max(axis=1)
    d = amax / 127.0
    idv = np.where(d != 0, 1.0 / np.where(d != 0, d, 1), 0).astype(np.float32)
    v = x * idv[:, None]
    q = (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int8)  # roundf: half away from zero
    d16 = d.astype(np.float16)
    blocks = np.zeros((x.shape[0], 34), dtype=np.uint8)
    blocks[:, :2] = d16.view(np.uint8).reshape(-1, 2)
    blocks[:, 2:] = q.view(np.uint8)
    deq = (d16.astype(np.float32)[:, None] * q.astype(np.float32)).reshape(w.shape)
    return blocks.tobytes(), torch.from_numpy(deq)


def stored(t, dtype):
    """(bytes, the values a reader gets back) for a tensor stored in dtype."""
    if dtype == "F32":
        a = t.numpy().astype("<f4")
        return a.tobytes(), t.float()
    if dtype == "F16":
        a = t.numpy().astype("<f2")
        return a.tobytes(), torch.from_numpy(a.astype(np.float32))
    if dtype == "BF16":
        b = t.to(torch.bfloat16)
        return b.view(torch.int16).numpy().astype("<i2").tobytes(), b.float()
    if dtype == "Q8_0":
        return q8_0(t)
    raise ValueError(dtype)


def write_safetensors(path, tensors, metadata={"format": "pt"}):
    """tensors: list of (name, dtype, shape, bytes). The safetensors library's layout: order by dtype
    (F32 before BF16 before F16) then name, compact JSON, header padded with spaces to 8 bytes."""
    rank = {"F32": 3, "BF16": 2, "F16": 1}
    tensors = sorted(tensors, key=lambda t: (-rank[t[1]], t[0]))
    header, off = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dt, shp, data in tensors:
        header[name] = {"dtype": dt, "shape": list(shp), "data_offsets": [off, off + len(data)]}
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for t in tensors:
            f.write(t[3])


def hf_config(c):
    cfg = {k: c[k] for k in ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                             "num_key_value_heads", "vocab_size", "rms_norm_eps", "rope_theta",
                             "max_position_embeddings", "tie_word_embeddings", "bos_token_id", "eos_token_id"]}
    cfg.update(architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu")
    return json.dumps(cfg, indent=2, sort_keys=True) + "\n"


def write_hf(dirname, c, w_meta, dtype, max_shard=None):
    """A HF checkpoint: config.json + model.safetensors (or shards + index); returns the stored weights (Meta order)."""
    os.makedirs(dirname, exist_ok=True)
    hf = to_hf(c, w_meta)
    entries, back = [], {}
    for n in names(c):
        data, val = stored(hf[n], dtype)
        entries.append((n, dtype, tuple(hf[n].shape), data))
        back[n] = val
    with open(os.path.join(dirname, "config.json"), "w") as f:
        f.write(hf_config(c))
    if max_shard is None:
        write_safetensors(os.path.join(dirname, "model.safetensors"), entries)
    else:
        shards, size = [], 0
        for e in entries:  # greedy, in checkpoint order
            if not shards or (size + len(e[3]) > max_shard and size > 0):
                shards.append([])
                size = 0
            shards[-1].append(e)
            size += len(e[3])
        wm = {}
        for i, s in enumerate(shards):
            fn = "model-%05d-of-%05d.safetensors" % (i + 1, len(shards))
            write_safetensors(os.path.join(dirname, fn), s)
            for e in s:
                wm[e[0]] = fn
        index = {"metadata": {"total_size": sum(len(e[3]) for e in entries)}, "weight_map": wm}
        with open(os.path.join(dirname, "model.safetensors.index.json"), "w") as f:
            f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return back  # HF-ordered values; the reference forward uses HF math on them


def l2c_layer_list(c, w, suffix):
    return [w[f"model.layers.{i}.{suffix}.weight"] for i in range(c["num_hidden_layers"])]


def write_llama2c(path, c, w, version):
    """llama2.c export.py legacy_export (v0) / version1_export (v1), fp32, Meta order."""
    d, L = c["hidden_size"], c["num_hidden_layers"]
    hd = d // c["num_attention_heads"]
    shared = c["tie_word_embeddings"]
    hdr = [d, c["intermediate_size"], L, c["num_attention_heads"], c["num_key_value_heads"],
           c["vocab_size"] if shared or version == 1 else -c["vocab_size"], c["max_position_embeddings"]]
    lay = lambda s: l2c_layer_list(c, w, s)
    with open(path, "wb") as f:
        def put(t):
            f.write(t.detach().numpy().astype("<f4").tobytes())
        if version == 0:
            f.write(struct.pack("<7i", *hdr))
            put(w["model.embed_tokens.weight"])
            for s in ["input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                      "post_attention_layernorm", "mlp.gate_proj", "mlp.down_proj", "mlp.up_proj"]:
                for t in lay(s):
                    put(t)
            put(w["model.norm.weight"])
            freqs = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2)[: hd // 2].float() / hd))
            fr = torch.outer(torch.arange(c["max_position_embeddings"]).float(), freqs)
            put(torch.cos(fr))
            put(torch.sin(fr))
        else:
            f.write(struct.pack("<I", 0x616B3432))
            f.write(struct.pack("<i", 1))
            f.write(struct.pack("<7i", *hdr))
            f.write(struct.pack("B", int(shared)))
            f.write(b"\0" * (256 - f.tell()))
            for s in ["input_layernorm", "post_attention_layernorm"]:
                for t in lay(s):
                    put(t)
            put(w["model.norm.weight"])
            put(w["model.embed_tokens.weight"])
            for s in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                      "mlp.gate_proj", "mlp.down_proj", "mlp.up_proj"]:
                for t in lay(s):
                    put(t)
        if not shared:
            put(w["lm_head.weight"])


GGUF_NAMES = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
              "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
              "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
              "mlp.down_proj": "ffn_down"}
GGML_TYPE = {"F32": 0, "F16": 1, "Q8_0": 8, "BF16": 30}


def gguf_name(n):
    if n == "model.embed_tokens.weight":
        return "token_embd.weight"
    if n == "model.norm.weight":
        return "output_norm.weight"
    if n == "lm_head.weight":
        return "output.weight"
    p = n.split(".")
    return f"blk.{p[2]}.{GGUF_NAMES[p[3] + '.' + p[4] if p[3] in ('self_attn', 'mlp') else p[3]]}.weight"


def write_gguf(path, c, w, dtype):
    """GGUF v3 (llama.cpp's gguf.md), llama architecture, Meta order; norms F32, matrices in dtype.
    Returns the values a reader gets back (Meta order)."""
    def s(x):
        b = x.encode()
        return struct.pack("<Q", len(b)) + b

    V = c["vocab_size"]
    kv = [("general.architecture", 8, "llama"), ("general.name", 8, "calx-fixture"),
          ("llama.context_length", 4, c["max_position_embeddings"]), ("llama.embedding_length", 4, c["hidden_size"]),
          ("llama.block_count", 4, c["num_hidden_layers"]), ("llama.feed_forward_length", 4, c["intermediate_size"]),
          ("llama.rope.dimension_count", 4, c["hidden_size"] // c["num_attention_heads"]),
          ("llama.attention.head_count", 4, c["num_attention_heads"]),
          ("llama.attention.head_count_kv", 4, c["num_key_value_heads"]),
          ("llama.attention.layer_norm_rms_epsilon", 6, c["rms_norm_eps"]), ("llama.rope.freq_base", 6, c["rope_theta"]),
          ("tokenizer.ggml.model", 8, "llama"),
          ("tokenizer.ggml.tokens", 9, (8, ["<unk>", "<s>", "</s>"] + ["tok%d" % i for i in range(3, V)])),
          ("tokenizer.ggml.scores", 9, (6, [0.0, 0.0, 0.0] + [-float(i) for i in range(3, V)])),
          ("tokenizer.ggml.token_type", 9, (5, [2, 3, 3] + [1] * (V - 3))),
          ("tokenizer.ggml.bos_token_id", 4, c["bos_token_id"]), ("tokenizer.ggml.eos_token_id", 4, c["eos_token_id"])]
    scalar = {4: "<I", 5: "<i", 6: "<f"}

    def val(t, v):
        if t == 8:
            return s(v)
        if t == 9:
            et, items = v
            return struct.pack("<IQ", et, len(items)) + b"".join(val(et, x) for x in items)
        return struct.pack(scalar[t], v)

    back, infos, blobs, off = {}, b"", [], 0
    for n in names(c):
        t = w[n]
        dt = "F32" if t.dim() == 1 else dtype
        data, val_back = stored(t, dt)
        back[n] = val_back
        dims = list(reversed(t.shape))  # ne[0] is the innermost dimension
        infos += s(gguf_name(n)) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", x) for x in dims)
        infos += struct.pack("<IQ", GGML_TYPE[dt], off)
        pad = (32 - len(data) % 32) % 32
        blobs.append(data + b"\0" * pad)
        off += len(data) + pad
    head = struct.pack("<IIQQ", 0x46554747, 3, len(names(c)), len(kv))
    head += b"".join(s(k) + struct.pack("<I", t) + val(t, v) for k, t, v in kv) + infos
    head += b"\0" * ((32 - len(head) % 32) % 32)
    with open(path, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)
    return back


def main():
    os.makedirs(OUT, exist_ok=True)
    index = []
    for key, c in MODELS.items():
        w = random_weights(c, seed=1234 + ord(key))
        tokens = c["tokens"]
        # the permutation check: HF math on HF weights == Meta math on Meta weights
        ref_hf = forward(c, to_hf(c, w), tokens, interleaved=False)
        ref_meta = forward(c, w, tokens, interleaved=True)
        assert torch.allclose(ref_hf, ref_meta, rtol=1e-10, atol=1e-10), (ref_hf - ref_meta).abs().max()
        variants = []
        if key == "a":
            variants.append(("a_hf_f32", "hf", write_hf(os.path.join(OUT, "a_hf_f32"), c, w, "F32"), False))
            write_llama2c(os.path.join(OUT, "a_v0.bin"), c, w, 0)
            variants.append(("a_v0.bin", "llama2c", w, True))
            write_llama2c(os.path.join(OUT, "a_v1.bin"), c, w, 1)
            variants.append(("a_v1.bin", "llama2c", w, True))
            variants.append(("a_f16.gguf", "gguf", write_gguf(os.path.join(OUT, "a_f16.gguf"), c, w, "F16"), True))
        else:
            variants.append(("b_hf_bf16_sharded", "hf",
                             write_hf(os.path.join(OUT, "b_hf_bf16_sharded"), c, w, "BF16", max_shard=40000), False))
            variants.append(("b_q8_0.gguf", "gguf", write_gguf(os.path.join(OUT, "b_q8_0.gguf"), c, w, "Q8_0"), True))
            variants.append(("b_bf16.gguf", "gguf", write_gguf(os.path.join(OUT, "b_bf16.gguf"), c, w, "BF16"), True))
        for path, fmt, stored_w, interleaved in variants:
            logits = forward(c, stored_w, tokens, interleaved=interleaved).numpy().astype("<f4")
            lf = path.split(".")[0] + ".logits.f32"
            logits.tofile(os.path.join(OUT, lf))
            index.append({"model": path, "format": fmt, "tokens": tokens, "logits": lf,
                          "shape": list(logits.shape), "config": {k: v for k, v in c.items() if k != "tokens"}})
    with open(os.path.join(OUT, "fixtures.json"), "w") as f:
        f.write(json.dumps(index, indent=1) + "\n")
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(OUT) for fn in fns)
    print("wrote", len(index), "fixtures,", total, "bytes under", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
