#!/usr/bin/python3
"""PyTorch side of the training-throughput comparison (see TrainStepBenchmark.java).

Same shape (default dim 288, hidden 768, 6 layers, 6 heads, vocab 32000, batch 8 x 256), fp32,
forward + backward + clip_grad_norm_ + AdamW, with the Llama math of tools/trainer_fixtures.py.
Usage: flock /tmp/calx-build.lock /usr/bin/python3 tools/trainer_bench.py [threads]
"""
import resource, sys, time, math
import torch
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import trainer_fixtures as tf

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../benchmarks")
from _peer_blas import require_fast_blas
require_fast_blas("trainer_bench.py", lambda: torch.ones(64, 64) @ torch.ones(64, 64))
D, F, L, H, V, B, T = 288, 768, 6, 6, 32000, 8, 256
tf.CFG.update({"hidden_size": D, "intermediate_size": F, "num_hidden_layers": L, "num_attention_heads": H,
               "num_key_value_heads": H, "vocab_size": V, "max_position_embeddings": T})
g = torch.Generator().manual_seed(1)
P = {"model.embed_tokens.weight": torch.randn(V, D, generator=g) / math.sqrt(D),
     "model.norm.weight": torch.ones(D), "lm_head.weight": torch.randn(V, D, generator=g) / math.sqrt(D)}
for l in range(L):
    p = "model.layers.%d." % l
    for n, s in [("input_layernorm.weight", (D,)), ("post_attention_layernorm.weight", (D,)),
                 ("self_attn.q_proj.weight", (D, D)), ("self_attn.k_proj.weight", (D, D)),
                 ("self_attn.v_proj.weight", (D, D)), ("self_attn.o_proj.weight", (D, D)),
                 ("mlp.gate_proj.weight", (F, D)), ("mlp.up_proj.weight", (F, D)), ("mlp.down_proj.weight", (D, F))]:
        P[p + n] = torch.ones(*s) if len(s) == 1 else torch.randn(*s, generator=g) / math.sqrt(s[1])
for k in P:
    P[k] = torch.nn.Parameter(P[k])
params = list(P.values())
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
ids = torch.randint(0, V, (B, T), generator=g)
targets = torch.cat([ids[:, 1:], torch.full((B, 1), -100)], dim=1)


def step():
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(tf.llama_logits(P, ids).reshape(-1, V), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return float(loss)


for _ in range(2):
    step()
t0 = time.time()
n = 5
for _ in range(n):
    loss = step()
secs = time.time() - t0
nparams = sum(p.numel() for p in params)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print("pytorch %s train step: %d params, threads %d" % (torch.__version__, nparams, threads))
print("%.1f tokens/s (%.3f s/step over %d steps, last loss %.4f); peak RSS %.1f MiB = %.1f bytes/param"
      % (B * T * n / secs, secs / n, n, loss, rss / 1048576, rss / nparams))
