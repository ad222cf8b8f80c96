#!/usr/bin/python3
"""Reference bit patterns for the tensor engine's storage-format conversions.

Run with /usr/bin/python3 (Debian: torch, numpy). Writes, under
tensor/src/test/resources/fixtures/:
  conversions.txt  one line per fp32 input: f32 bits, bf16 bits (torch .to(bfloat16)),
                   f16 bits (numpy astype(float16)), all hex
  q8_0.txt         blocks of 32 fp32 inputs (hex) and the 34 bytes of their GGML Q8_0 block
                   (hex), computed with numpy from ggml's quantize_row_q8_0_ref:
                   d = amax/127 (fp32), id = d ? 1/d : 0, q = roundf(x*id) (half away from
                   zero, on the fp32 product), block = fp16(d) little-endian then 32 int8.
The tests never need torch; they read these files.
"""
import os
import struct

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tensor", "src", "test", "resources", "fixtures")


def special_inputs():
    bits = [
        0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,  # 0, -0, 1, -1, inf, -inf
        0x7FC00000, 0x7F800001, 0xFFC00001,  # NaNs (quiet, signalling, negative)
        0x00000001, 0x00400000, 0x807FFFFF,  # fp32 subnormals
        0x7F7FFFFF, 0xFF7FFFFF,  # largest finite
        0x3F808000, 0x3F818000, 0x3F80C000, 0x3F807FFF, 0x3F808001,  # bf16 ties and near-ties
        0x477FE000, 0x477FF000, 0x477FEFFF, 0x47800000,  # around fp16 max (65504), overflow to inf
        0x33800000, 0x33000000, 0x33000001, 0x387FC000, 0x38800000,  # fp16 subnormal range, ties
        0x3FFFFFFF, 0x40490FDB,  # just below 2, pi
    ]
    return bits


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261122)
    bits = special_inputs()
    rand = np.concatenate([
        rng.standard_normal(200).astype(np.float32),
        (rng.standard_normal(100) * 1e4).astype(np.float32),
        (rng.standard_normal(100) * 1e-6).astype(np.float32),
    ])
    bits += [int(b) for b in rand.view(np.uint32)]
    # Exact bf16 tie patterns with random high halves.
    hi = rng.integers(0, 1 << 16, 50, dtype=np.uint32)
    bits += [int((h << 16) | 0x8000) for h in hi if ((h >> 7) & 0xFF) != 0xFF]
    f32 = np.array(bits, dtype=np.uint32).view(np.float32)
    bf16 = torch.from_numpy(f32.copy()).to(torch.bfloat16).view(torch.int16).numpy().astype(np.uint16)
    with np.errstate(over="ignore"):
        f16 = f32.astype(np.float16).view(np.uint16)
    tmp = os.path.join(OUT, "conversions.txt.tmp")
    with open(tmp, "w") as f:
        f.write("# f32_bits bf16_bits f16_bits (hex); bf16 from torch .to(bfloat16), f16 from numpy astype(float16)\n")
        for a, b, c in zip(f32.view(np.uint32), bf16, f16):
            f.write(f"{int(a):08x} {int(b):04x} {int(c):04x}\n")
    os.replace(tmp, os.path.join(OUT, "conversions.txt"))

    blocks = []
    blocks.append(np.zeros(32, np.float32))
    b = np.zeros(32, np.float32)
    b[0] = 127.0
    b[1] = np.float32(0.49999997)  # roundf gives 0; floor(x + 0.5f) in fp32 would give 1
    b[2] = -0.5  # half away from zero: -1
    b[3] = 0.5
    b[4] = 1.5
    b[5] = -2.5
    blocks.append(b)
    for scale in (1.0, 1e-3, 1e3, 1e-8):
        for _ in range(8):
            blocks.append((rng.standard_normal(32) * scale).astype(np.float32))
    tmp = os.path.join(OUT, "q8_0.txt.tmp")
    with open(tmp, "w") as f:
        f.write("# 32 fp32 inputs (hex bits) | 34 Q8_0 block bytes (hex), ggml quantize_row_q8_0_ref in numpy\n")
        for x in blocks:
            x = x.astype(np.float32)
            amax = np.float32(np.max(np.abs(x)))
            d = np.float32(amax / np.float32(127.0))
            idv = np.float32(np.float32(1.0) / d) if d != 0 else np.float32(0.0)
            prod = (x * idv).astype(np.float32).astype(np.float64)
            q = (np.sign(prod) * np.floor(np.abs(prod) + 0.5)).astype(np.int8)
            raw = struct.pack("<H", int(np.array([d], np.float32).astype(np.float16).view(np.uint16)[0])) + q.tobytes()
            f.write(" ".join(f"{int(v):08x}" for v in x.view(np.uint32)) + " | " + raw.hex() + "\n")
    os.replace(tmp, os.path.join(OUT, "q8_0.txt"))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
