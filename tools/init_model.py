"""Write a randomly initialized Llama checkpoint (HF layout) as the base of a from-scratch run.

Usage: /usr/bin/python3 tools/init_model.py OUT_DIR VOCAB HIDDEN LAYERS HEADS INTERMEDIATE MAX_POS [SEED]
Weights: normal(0, 0.02) as transformers' LlamaPreTrainedModel._init_weights (initializer_range
0.02), norms 1; fp32 safetensors written by hand (the format is an 8-byte header length, a JSON
header, then the raw little-endian tensors), untied head.
"""
import json, os, struct, sys
import torch

out, vocab, hidden, layers, heads, inter, maxpos = sys.argv[1], *map(int, sys.argv[2:8])
seed = int(sys.argv[8]) if len(sys.argv) > 8 else 0
torch.manual_seed(seed)
os.makedirs(out, exist_ok=True)
t = {}
n = lambda *s: (torch.randn(*s) * 0.02).float()
t["model.embed_tokens.weight"] = n(vocab, hidden)
for i in range(layers):
    p = f"model.layers.{i}."
    for k in ("q_proj", "k_proj", "v_proj", "o_proj"):
        t[p + "self_attn." + k + ".weight"] = n(hidden, hidden)
    t[p + "mlp.gate_proj.weight"] = n(inter, hidden)
    t[p + "mlp.up_proj.weight"] = n(inter, hidden)
    t[p + "mlp.down_proj.weight"] = n(hidden, inter)
    t[p + "input_layernorm.weight"] = torch.ones(hidden)
    t[p + "post_attention_layernorm.weight"] = torch.ones(hidden)
t["model.norm.weight"] = torch.ones(hidden)
t["lm_head.weight"] = n(vocab, hidden)
header, off, blobs = {}, 0, []
for k, v in t.items():
    b = v.contiguous().numpy().astype("<f4").tobytes()
    header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
    off += len(b); blobs.append(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for b in blobs: f.write(b)
cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": vocab,
       "hidden_size": hidden, "intermediate_size": inter, "num_hidden_layers": layers,
       "num_attention_heads": heads, "num_key_value_heads": heads, "hidden_act": "silu",
       "max_position_embeddings": maxpos, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
       "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
json.dump(cfg, open(os.path.join(out, "config.json"), "w"), indent=2)
print("params", sum(v.numel() for v in t.values()), "->", out)
