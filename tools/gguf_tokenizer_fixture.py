#!/usr/bin/python3
"""GGUF files whose tokenizer lives in the metadata (tokenizer.ggml.*), for the GGUF tokenizer tests.

Debian has no python3-gguf, so the files are written here by hand following the public GGUF
specification (llama.cpp's docs/gguf.md: header "GGUF", version 3, tensor and key/value counts,
typed key/values, tensor infos, data aligned to 32). The tokenizer arrays are filled the way
llama.cpp's converter fills them for a SentencePiece model, from the sentencepiece library:
tokens = IdToPiece(i), scores = GetScore(i), token_type = 2 unknown / 3 control / 5 unused /
6 byte / 1 normal; add_space_prefix and remove_extra_whitespaces from the normalizer (Llama: true,
false).

Writes:
  llama/src/test/resources/tokenizer/llama2_tokenizer.gguf.gz  the real Llama-2 tokenizer
      (../shared/data/tokenizers/llama2/tokenizer.model), metadata only (no tensors);
  llama/src/test/resources/fixtures/tiny_tok512.gguf  a tiny random Llama (F32, tied head) with
      stories260K's 512-token vocabulary (tok512.bin, read through the library as
      tools/tokenizer_fixtures.py does), for `calx generate` without --tokenizer.

Run:  /usr/bin/python3 tools/gguf_tokenizer_fixture.py
"""
import gzip
import os
import struct
import sys

import sentencepiece as spm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_fixtures import GGML_TYPE, gguf_name, names, random_weights, stored  # noqa: E402
from tokenizer_fixtures import MODEL, SHARED, model_from_llama2c_bin  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "llama", "src", "test", "resources")

U32, I32, F32, BOOL, STR, ARR = 4, 5, 6, 7, 8, 9


def gguf_string(x):
    b = x.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def gguf_value(t, v):
    if t == STR:
        return gguf_string(v)
    if t == ARR:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(gguf_value(et, x) for x in items)
    return struct.pack({U32: "<I", I32: "<i", F32: "<f", BOOL: "<?"}[t], v)


def gguf_bytes(kv, tensors):
    """kv: [(key, type, value)]; tensors: [(gguf name, dims innermost first, ggml type, bytes)]."""
    infos, blobs, off = b"", b"", 0
    for name, dims, ggml_type, data in tensors:
        infos += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", ggml_type, off)
        pad = (32 - len(data) % 32) % 32
        blobs += data + b"\0" * pad
        off += len(data) + pad
    head = struct.pack("<IIQQ", 0x46554747, 3, len(tensors), len(kv))
    head += b"".join(gguf_string(k) + struct.pack("<I", t) + gguf_value(t, v) for k, t, v in kv) + infos
    head += b"\0" * ((32 - len(head) % 32) % 32)
    return head + blobs


def tokenizer_kv(sp):
    """tokenizer.ggml.* as llama.cpp's converter writes them for a SentencePiece BPE model."""
    n = sp.get_piece_size()
    types = []
    for i in range(n):
        types.append(2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 5 if sp.is_unused(i)
                     else 6 if sp.is_byte(i) else 1)
    return [("tokenizer.ggml.model", STR, "llama"),
            ("tokenizer.ggml.tokens", ARR, (STR, [sp.id_to_piece(i) for i in range(n)])),
            ("tokenizer.ggml.scores", ARR, (F32, [sp.get_score(i) for i in range(n)])),
            ("tokenizer.ggml.token_type", ARR, (I32, types)),
            ("tokenizer.ggml.bos_token_id", U32, sp.bos_id()),
            ("tokenizer.ggml.eos_token_id", U32, sp.eos_id()),
            ("tokenizer.ggml.unknown_token_id", U32, sp.unk_id()),
            ("tokenizer.ggml.add_bos_token", BOOL, True),
            ("tokenizer.ggml.add_eos_token", BOOL, False),
            ("tokenizer.ggml.add_space_prefix", BOOL, True),
            ("tokenizer.ggml.remove_extra_whitespaces", BOOL, False)]


def llama_kv(c, name):
    return [("general.architecture", STR, "llama"), ("general.name", STR, name),
            ("llama.context_length", U32, c["max_position_embeddings"]), ("llama.embedding_length", U32, c["hidden_size"]),
            ("llama.block_count", U32, c["num_hidden_layers"]), ("llama.feed_forward_length", U32, c["intermediate_size"]),
            ("llama.rope.dimension_count", U32, c["hidden_size"] // c["num_attention_heads"]),
            ("llama.attention.head_count", U32, c["num_attention_heads"]),
            ("llama.attention.head_count_kv", U32, c["num_key_value_heads"]),
            ("llama.attention.layer_norm_rms_epsilon", F32, c["rms_norm_eps"]), ("llama.rope.freq_base", F32, c["rope_theta"])]


def main():
    sp = spm.SentencePieceProcessor(model_file=MODEL)
    assert sp.get_piece_size() == 32000
    # the Llama-2 tokenizer only: llama.* keys of Llama-2-7B's shape, no tensors
    c7b = dict(max_position_embeddings=4096, hidden_size=4096, num_hidden_layers=32, intermediate_size=11008,
               num_attention_heads=32, num_key_value_heads=32, rms_norm_eps=1e-5, rope_theta=10000.0)
    data = gguf_bytes(llama_kv(c7b, "llama2-tokenizer-only") + [("llama.vocab_size", U32, 32000)] + tokenizer_kv(sp), [])
    path = os.path.join(RES, "tokenizer", "llama2_tokenizer.gguf.gz")
    with open(path, "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    print(path, len(data), "bytes,", os.path.getsize(path), "gzipped")

    sp512 = spm.SentencePieceProcessor(model_proto=model_from_llama2c_bin(
        os.path.join(SHARED, "models", "stories260K", "tok512.bin")))
    assert sp512.get_piece_size() == 512
    c = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
             vocab_size=512, rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=64,
             tie_word_embeddings=True, bos_token_id=1, eos_token_id=2)
    w = random_weights(c, seed=512)
    w["model.embed_tokens.weight"] *= 8  # sharper logits: greedy text that runs for a while before EOS
    tensors = []
    for n in names(c):
        data, _ = stored(w[n], "F32")
        tensors.append((gguf_name(n), list(reversed(w[n].shape)), GGML_TYPE["F32"], data))
    path = os.path.join(RES, "fixtures", "tiny_tok512.gguf")
    with open(path, "wb") as f:
        f.write(gguf_bytes(llama_kv(c, "tiny-tok512") + tokenizer_kv(sp512), tensors))
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
