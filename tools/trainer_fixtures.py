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
