#!/usr/bin/python3
"""Reference fixtures for the Java tokenizers, produced by the sentencepiece library.

Run with Debian's python3 (python3-sentencepiece) from the repository root:
    /usr/bin/python3 tools/tokenizer_fixtures.py

Writes under llama/src/test/resources/tokenizer/:
  llama2_cases.jsonl.gz   one JSON object per line, each checked by the Java tests:
      {"text": T, "ids": [...]}              sp.encode(T)
      {"hex": H, "ids": [...]}               sp.encode(bytes.fromhex(H)) (malformed UTF-8 included)
      {"decode": [...], "text": T}           sp.decode(ids)
      {"added": [...], "text": T, "ids": [...]}
                                             sp.encode(T) with a model that has the pieces `added`
                                             appended as USER_DEFINED (by appending protobuf
                                             records to tokenizer.model, as the Java writer does)
  llama2_corpus_crc.jsonl.gz   for every row of GSM8K train and MATH test5000:
      {"set": S, "row": i, "n": number of ids, "crc": crc32 of the ids as little-endian int32}
      over question+answer (GSM8K) or problem+solution (MATH), each field encoded separately and
      the ids concatenated, so that a Java test can check all of them without a big fixture.
  tok512_cases.jsonl.gz   {"text": T, "ids": [...]} from the library on a tokenizer.model built here
      from llama2.c's stories260K tok512.bin (pieces and scores as stored; types as Llama's:
      <unk> UNKNOWN, <s> </s> CONTROL, <0xXX> BYTE, others NORMAL; ' ' back to U+2581; BPE, byte
      fallback, Llama's normalizer), so that tokenizer.bin reading is checked on a second vocabulary
  llama2_tokenizer.json.gz   a Hugging Face tokenizer.json (Llama BPE variant) written from
      tokenizer.model here, independently of the Java code (see write_tokenizer_json).
"""
import gzip
import io
import json
import os
import random
import struct
import sys
import zlib

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
OUT = os.path.join(ROOT, "llama", "src", "test", "resources", "tokenizer")
MODEL = os.path.join(SHARED, "tokenizers", "llama2", "tokenizer.model")

SPECIAL = ["<|text|>", "<|code|>", "<|execution|>", "<|endofblock|>", "<|endofmessage|>",
           "<|user|>", "<|assistant|>", "<|system|>"]


class gz_text(io.StringIO):
    """Text written here goes to a gzip file without a timestamp, so reruns give identical files."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def close(self):
        if not self.closed:
            with open(self.path, "wb") as f:
                f.write(gzip.compress(self.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
        super().close()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def handmade_texts():
    texts = [
        "", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "a", " a", "a ", "  a  b   ",
        "Hello world", "Hello  world", "Hello\tworld", "Hello\nworld", "Hello\n\nworld\n",
        "    leading four", "trailing four    ", "\t\tindented with tabs", " \t \t mixed",
        "0", "7", "42", "1234567890", "3.14159", "-17", "1,000,000", "2^10 = 1024", "x1y2z3",
        "12345678901234567890123456789012345678901234567890",
        "$\\frac{1}{2} + \\sqrt{x^2+y^2} = \\boxed{42}$",
        "\\begin{align*} a &= b \\\\ c &= d \\end{align*}",
        "$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$", "\\left( \\dfrac{3}{4} \\right)^{-1}",
        "def f(x):\n    return x ** 2\n\nprint(f(3))\n",
        "import sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(x**2 - 4, x))",
        "```python\nfor i in range(10):\n\tif i % 2 == 0:\n\t\tprint(i)\n```\n```output\n0\n2\n```",
        "if (a && b) { return c || !d; } // comment", "lambda: {'k': [1, 2, 3]}",
        "😀", "😀😀😀", "I ❤️ math 🎉🎉", "👨‍👩‍👧‍👦 family", "🇫🇷 flag",
        "日本語のテキスト", "中文文本，包括标点。", "한국어 텍스트", "混合 mixed 文本 text",
        "e\u0301 vs \u00e9", "a\u0308o\u0308u\u0308", "\u0915\u094d\u0937", "Zalgo: z\u0336\u0351a\u0337l\u0338g\u0335o",
        "\ufffd", "x\ufffdy", "\ufeffBOM at start", "zero\u200bwidth\u200cjoiners\u200d",
        "\u00a0non-breaking\u00a0space", "\u3000ideographic space", "em\u2003space",
        "\U0001d400\U0001d401 math bold", "\U00010000 first supplementary", "\U0010fffd last",
        "\uffff noncharacter", "\x00 nul", "\x01\x02\x7f controls", "\u2581 literal meta symbol",
        "\u2581\u2581 two metas", "<s> looks like bos", "</s>", "<unk>", "<0x0A> looks like a byte",
        "<|code|> not special here", "ﬁ ligature", "Ⅻ roman", "½ ¼ ¾", "αβγ ΔΘΛ", "привет мир",
        "مرحبا بالعالم", "שלום עולם", "ελληνικά", "Ünïcödé wörds", "naïve café résumé",
        "#### 72", "<<48/2=24>>24", "$<<12/60=0.2>>0.2", "10%", "50 minutes", "a.b.c", "...",
        "!!!???", "(((nested)))", "[[1, 2], [3, 4]]", "word " * 50, "ab" * 100, " " * 40,
        "\n" * 10, "\t" * 8, "0" * 60,
    ]
    return texts


def surrogate_adjacent_bytes():
    # Malformed UTF-8 around valid text: what a Java string cannot hold, checked via encodeUtf8.
    cases = [b"a\xed\xa0\x80b", b"\xed\xb0\x80", b"a\xffb", b"\xe2\x82", b"\xc0\x80",
             b"\xf4\x90\x80\x80", b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80\xf0\x9f", b"x\x80y",
             b"\xc3\xa9\xc3", b"\xe6\x97\xa5\xe6\x9c", b"\xfe\xff", b"ok \xed\xa0\xbd\xed\xb8\x80 ok"]
    return cases


def varint(n):
    n &= (1 << 64) - 1  # negative int32 fields are 10-byte varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def len_field(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def model_from_llama2c_bin(path):
    """A ModelProto (bytes) with the vocabulary of a llama2.c tokenizer.bin."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 4
    out = bytearray()
    i = 0
    while pos < len(data):
        score, n = struct.unpack_from("<fi", data, pos)
        pos += 8
        piece = data[pos:pos + n].decode("utf-8")
        pos += n
        if i == 0 and piece == "<unk>":
            ptype = 2
        elif i == 1 and piece == "\n<s>\n":
            piece, ptype = "<s>", 3
        elif i == 2 and piece == "\n</s>\n":
            piece, ptype = "</s>", 3
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            ptype = 6
        else:
            piece, ptype = piece.replace(" ", "\u2581"), 1
        body = len_field(1, piece.encode("utf-8")) + b"\x15" + struct.pack("<f", score) + b"\x18" + varint(ptype)
        out += len_field(1, body)
        i += 1
    trainer = (b"\x18" + varint(2) + b"\x20" + varint(i) + varint(35 << 3) + varint(1)
               + varint(40 << 3) + varint(0) + varint(41 << 3) + varint(1) + varint(42 << 3) + varint(2)
               + varint(43 << 3) + varint(-1))
    normalizer = len_field(1, b"identity") + b"\x18\x01" + b"\x20\x00" + b"\x28\x01"
    return bytes(out) + len_field(2, trainer) + len_field(3, normalizer)


def append_user_defined(model_bytes, pieces):
    """tokenizer.model with extra ModelProto.pieces records (type USER_DEFINED = 4, score 0)."""
    extra = bytearray()
    for p in pieces:
        pb = p.encode("utf-8")
        body = b"\x0a" + varint(len(pb)) + pb + b"\x15" + struct.pack("<f", 0.0) + b"\x18\x04"
        extra += b"\x0a" + varint(len(body)) + body
    return bytes(model_bytes) + bytes(extra)


def crc_of(ids):
    return zlib.crc32(struct.pack("<%di" % len(ids), *ids)) & 0xFFFFFFFF


def write_tokenizer_json(sp, path):
    """A Hugging Face tokenizer.json for the Llama BPE variant, from the .model's pieces.

    Merges follow the convention of transformers' LlamaConverter (SentencePieceExtractor): for
    every NORMAL/USER_DEFINED piece, every split into two pieces of the vocabulary is a merge
    "left right", ordered by the merged piece's score (highest first), ties by the ids of
    (left, right). Added tokens: the control pieces and <unk>, as in Llama-2's tokenizer.json."""
    n = sp.get_piece_size()
    vocab = {sp.id_to_piece(i): i for i in range(n)}
    mergeable = {}
    for i in range(n):
        if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i)):
            mergeable[sp.id_to_piece(i)] = i
    merges = []
    for piece, pid in mergeable.items():
        for k in range(1, len(piece)):
            l, r = piece[:k], piece[k:]
            if l in mergeable and r in mergeable:
                merges.append((-sp.get_score(pid), mergeable[l], mergeable[r], l, r))
    merges.sort()
    added = []
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i):
            added.append({"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True})
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "<s>", "type_id": 1}},
                                    {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                  "vocab": vocab, "merges": [l + " " + r for _, _, _, l, r in merges]},
    }
    with gz_text(path) as f:
        json.dump(tok, f, ensure_ascii=False, separators=(",", ":"))
    return len(merges)


def main():
    os.makedirs(OUT, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=MODEL)
    rng = random.Random(20261122)
    gsm = read_jsonl(os.path.join(SHARED, "gsm8k", "train.jsonl"))
    math = read_jsonl(os.path.join(SHARED, "math", "test5000.jsonl"))

    cases = []
    texts = handmade_texts()
    for row in rng.sample(gsm, 150):
        texts += [row["question"], row["answer"]]
    for row in rng.sample(math, 150):
        texts += [row["problem"], row["solution"]]
    # Lines of solutions, with their own leading/trailing whitespace, as a decoder would see them.
    for row in rng.sample(math, 40):
        texts += row["solution"].split("\n")
    for t in texts:
        cases.append({"text": t, "ids": sp.encode(t)})
    for b in surrogate_adjacent_bytes():
        cases.append({"hex": b.hex(), "ids": sp.encode(b)})

    # Decoding: sequences of real encodings with specials, and random ids (bytes, unk, controls).
    n = sp.get_piece_size()
    for t in texts[:60]:
        ids = sp.encode(t)
        cases.append({"decode": [1] + ids + [2], "text": sp.decode([1] + ids + [2])})
    for k in range(200):
        length = rng.randint(1, 12)
        ids = [rng.choice([rng.randrange(0, 3), rng.randrange(3, 259), rng.randrange(259, n),
                           29871, 259, 13]) for _ in range(length)]
        cases.append({"decode": ids, "text": sp.decode(ids)})

    # Added special tokens, matched by the library itself from the augmented model.
    with open(MODEL, "rb") as f:
        model_bytes = f.read()
    sp_added = spm.SentencePieceProcessor(model_proto=append_user_defined(model_bytes, SPECIAL))
    assert sp_added.get_piece_size() == n + len(SPECIAL)
    added_texts = [
        "<|user|>", "<|user|>What is 2+3?<|endofmessage|>",
        "<|system|>You are helpful.<|endofmessage|><|user|>Solve x+1=2<|endofmessage|><|assistant|>",
        "<|assistant|><|text|>We compute.<|endofblock|><|code|>print(2+3)<|endofblock|>"
        "<|execution|>5<|endofblock|><|text|>The answer is 5.<|endofblock|><|endofmessage|>",
        "text <|code|> with spaces <|execution|>", "<|code|><|code|>", "<|cod|> near miss <|code",
        "<|endofblock|>\n<|text|>\n", " <|text|>", "<|text|> ", "<|USER|> case", "a<|text|>b",
    ]
    for t in added_texts:
        cases.append({"added": SPECIAL, "text": t, "ids": sp_added.encode(t)})
    # And decoding with them (user-defined pieces decode to their text).
    for t in added_texts[:4]:
        ids = sp_added.encode(t)
        cases.append({"added": SPECIAL, "decode": ids, "text": sp_added.decode(ids)})

    path = os.path.join(OUT, "llama2_cases.jsonl.gz")
    with gz_text(path) as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=True) + "\n")
    print(path, len(cases), "cases", os.path.getsize(path), "bytes")

    sp512 = spm.SentencePieceProcessor(model_proto=model_from_llama2c_bin(
        os.path.join(SHARED, "models", "stories260K", "tok512.bin")))
    assert sp512.get_piece_size() == 512 and sp512.bos_id() == 1 and sp512.is_byte(3)
    path = os.path.join(OUT, "tok512_cases.jsonl.gz")
    story = [row["question"] for row in rng.sample(gsm, 100)]
    with gz_text(path) as f:
        for t in texts[:len(handmade_texts())] + story + [
                "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."]:
            f.write(json.dumps({"text": t, "ids": sp512.encode(t)}, ensure_ascii=True) + "\n")
    print(path, os.path.getsize(path), "bytes")

    path = os.path.join(OUT, "llama2_corpus_crc.jsonl.gz")
    total = 0
    with gz_text(path) as f:
        for name, rows, fields in (("gsm8k/train", gsm, ("question", "answer")),
                                   ("math/test5000", math, ("problem", "solution"))):
            for i, row in enumerate(rows):
                ids = []
                for fld in fields:
                    ids += sp.encode(row[fld])
                total += len(ids)
                f.write(json.dumps({"set": name, "row": i, "n": len(ids), "crc": crc_of(ids)}) + "\n")
    print(path, total, "ids", os.path.getsize(path), "bytes")

    path = os.path.join(OUT, "llama2_tokenizer.json.gz")
    m = write_tokenizer_json(sp, path)
    print(path, m, "merges", os.path.getsize(path), "bytes")


if __name__ == "__main__":
    sys.exit(main())
