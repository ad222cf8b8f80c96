#!/usr/bin/python3
"""Reference fixtures for the trainer's optimizer, schedules and clipping, from PyTorch.

Runs torch.optim.AdamW + torch.optim.lr_scheduler.LambdaLR (with the lambdas of transformers'
get_{constant,linear,cosine}_schedule_with_warmup, copied here because Debian has no
transformers) + torch.nn.utils.clip_grad_norm_ on fixed tensors for a few steps and writes
inputs and results as JSON under trainer/src/test/resources/fixtures/.

Usage: /usr/bin/python3 tools/trainer_fixtures.py
"""
import json, math, os
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "trainer", "src", "test", "resources", "fixtures")


def lambda_for(kind, warmup, total):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        if kind == "constant":
            return 1.0
        if kind == "linear":
            return max(0.0, float(total - step) / float(max(1, total - warmup)))
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))
    return f


def case(kind, seed, steps=6, warmup_ratio=0.3, lr=0.05, wd=0.1, betas=(0.9, 0.95), eps=1e-8, max_norm=1.0):
    g = torch.Generator().manual_seed(seed)
    names = ["model.embed_tokens.weight", "model.layers.0.input_layernorm.weight", "lm_head.weight"]
    shapes = [(4, 5), (7,), (3, 3)]
    params = [torch.nn.Parameter(torch.randn(*s, generator=g)) for s in shapes]
    init = [p.detach().clone() for p in params]
    decay = [p for n, p in zip(names, params) if not n.endswith("norm.weight")]
    no_decay = [p for n, p in zip(names, params) if n.endswith("norm.weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=betas, eps=eps)
    warmup = math.ceil(steps * warmup_ratio)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda_for(kind, warmup, steps))
    grads, lrs, norms, after = [], [], [], []
    for t in range(steps):
        # every other step large gradients so that clipping triggers; one step small so it does not
        scale = 3.0 if t % 2 == 0 else 0.05
        step_grads = [torch.randn(*s, generator=g) * scale for s in shapes]
        grads.append([x.flatten().tolist() for x in step_grads])
        for p, x in zip(params, step_grads):
            p.grad = x.clone()
        lrs.append(opt.param_groups[0]["lr"])
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, max_norm)))
        opt.step()
        sched.step()
        after.append([p.detach().flatten().tolist() for p in params])
    return {"schedule": kind, "steps": steps, "warmup_ratio": warmup_ratio, "warmup_steps": warmup, "lr": lr,
            "weight_decay": wd, "beta1": betas[0], "beta2": betas[1], "eps": eps, "max_norm": max_norm,
            "names": names, "shapes": [list(s) for s in shapes], "init": [x.flatten().tolist() for x in init],
            "grads": grads, "lrs": lrs, "norms": norms, "params_after": after, "torch": torch.__version__}


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [case("linear", 1), case("cosine", 2), case("constant", 3, warmup_ratio=0.0)]
    with open(os.path.join(OUT, "adamw_schedule_clip.json"), "w") as f:
        json.dump(cases, f)
    print("wrote", len(cases), "cases to", OUT)


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------------------------------------
# Tiny Llama parity: 5 AdamW steps with clipping and gradient accumulation, from the same
# initial weights (a Hugging Face checkpoint directory written here) on the same token batches.
# The Llama math is written out below (Debian has no transformers): HF's LlamaForCausalLM with
# rotate-half RoPE on HF-layout q/k weights, GQA by repeating kv heads, SwiGLU, RMSNorm.

import struct


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


CFG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 40,
       "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 64,
       "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 64, "tie_word_embeddings": False,
       "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "torch_dtype": "float32"}


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, theta):
    b, t, h, hd = x.shape
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    freqs = torch.outer(torch.arange(t, dtype=torch.float32), inv)
    emb = torch.cat([freqs, freqs], dim=-1)
    cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


def llama_logits(P, ids):
    c = CFG
    D, H, KV = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd = D // H
    b, t = ids.shape
    x = P["model.embed_tokens.weight"][ids]
    mask = torch.full((t, t), float("-inf")).triu(1)
    for l in range(c["num_hidden_layers"]):
        p = lambda s: P["model.layers.%d.%s" % (l, s)]
        h = rms(x, p("input_layernorm.weight"), c["rms_norm_eps"])
        q = rope((h @ p("self_attn.q_proj.weight").T).view(b, t, H, hd), c["rope_theta"])
        k = rope((h @ p("self_attn.k_proj.weight").T).view(b, t, KV, hd), c["rope_theta"])
        v = (h @ p("self_attn.v_proj.weight").T).view(b, t, KV, hd)
        k = k.repeat_interleave(H // KV, dim=2)
        v = v.repeat_interleave(H // KV, dim=2)
        s = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd) + mask
        a = torch.einsum("bhqk,bkhd->bqhd", torch.softmax(s, dim=-1), v).reshape(b, t, D)
        x = x + a @ p("self_attn.o_proj.weight").T
        m = rms(x, p("post_attention_layernorm.weight"), c["rms_norm_eps"])
        x = x + (torch.nn.functional.silu(m @ p("mlp.gate_proj.weight").T) * (m @ p("mlp.up_proj.weight").T)) @ p("mlp.down_proj.weight").T
    x = rms(x, P["model.norm.weight"], c["rms_norm_eps"])
    return x @ P["lm_head.weight"].T


def targets_of(ids, trained):
    t = torch.full_like(ids, -100)
    t[:, :-1] = torch.where(trained[:, 1:], ids[:, 1:], torch.full_like(ids[:, 1:], -100))
    return t


def llama_parity():
    g = torch.Generator().manual_seed(1234)
    c = CFG
    D, F, V, H, KV = c["hidden_size"], c["intermediate_size"], c["vocab_size"], c["num_attention_heads"], c["num_key_value_heads"]
    kvd = D // H * KV
    shapes = {"model.embed_tokens.weight": (V, D), "model.norm.weight": (D,), "lm_head.weight": (V, D)}
    for l in range(c["num_hidden_layers"]):
        pre = "model.layers.%d." % l
        shapes.update({pre + "input_layernorm.weight": (D,), pre + "post_attention_layernorm.weight": (D,),
                       pre + "self_attn.q_proj.weight": (D, D), pre + "self_attn.k_proj.weight": (kvd, D),
                       pre + "self_attn.v_proj.weight": (kvd, D), pre + "self_attn.o_proj.weight": (D, D),
                       pre + "mlp.gate_proj.weight": (F, D), pre + "mlp.up_proj.weight": (F, D),
                       pre + "mlp.down_proj.weight": (D, F)})
    P = {}
    for n in sorted(shapes):
        if n.endswith("norm.weight"):
            P[n] = torch.nn.Parameter(1.0 + 0.1 * torch.randn(*shapes[n], generator=g))
        else:
            P[n] = torch.nn.Parameter(0.3 * torch.randn(*shapes[n], generator=g))
    d = os.path.join(OUT, "tiny_llama_init")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(CFG, f, indent=2)
    write_safetensors(os.path.join(d, "model.safetensors"), P)

    steps, accum, rows, width = 5, 2, 2, 8
    lr, wd, max_norm, warmup_ratio = 3e-3, 0.1, 1.0, 0.2
    names = sorted(P)
    decay = [P[n] for n in names if not n.endswith("norm.weight")]
    no_decay = [P[n] for n in names if n.endswith("norm.weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.999), eps=1e-8)
    warmup = math.ceil(steps * warmup_ratio)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda_for("linear", warmup, steps))
    batches, losses, norms = [], [], []
    for s in range(steps):
        micro = []
        for _ in range(accum):
            ids = torch.randint(3, V, (rows, width), generator=g)
            ids[:, 0] = 1
            trained = torch.rand(rows, width, generator=g) < 0.7
            trained[:, 0] = False
            trained[:, :2] = False  # a two-token "prompt"
            micro.append((ids, trained))
        batches.append([{"ids": i.flatten().tolist(), "trained": t.flatten().tolist()} for i, t in micro])
        count = sum(int(targets_of(i, t).ne(-100).sum()) for i, t in micro)
        opt.zero_grad()
        total = 0.0
        for ids, trained in micro:
            logits = llama_logits(P, ids)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets_of(ids, trained).reshape(-1),
                                                     ignore_index=-100, reduction="sum") / count
            loss.backward()
            total += float(loss)
        losses.append(total)
        norms.append(float(torch.nn.utils.clip_grad_norm_([P[n] for n in names], max_norm)))
        opt.step()
        sched.step()
    write_safetensors(os.path.join(OUT, "tiny_llama_after5.safetensors"), P)
    with open(os.path.join(OUT, "tiny_llama_steps.json"), "w") as f:
        json.dump({"steps": steps, "accum": accum, "rows": rows, "width": width, "lr": lr, "weight_decay": wd,
                   "max_norm": max_norm, "warmup_ratio": warmup_ratio, "schedule": "linear", "batches": batches,
                   "losses": losses, "grad_norms": norms, "torch": torch.__version__}, f)
    print("tiny llama: losses", losses, "grad norms", norms)


if __name__ == "__main__":
    llama_parity()
