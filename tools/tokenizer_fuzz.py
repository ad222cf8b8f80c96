#!/usr/bin/env python3
"""Random texts and random id sequences: Calx's tokenizer against the sentencepiece library.

Writes N random texts (characters drawn from whitespace, ASCII punctuation, letters, accents and
combining marks, CJK, emoji with joiners and modifiers, math symbols, C0/C1 controls, and any
non-surrogate code point; pieces of the vocabulary glued together; a mix of both) and N random
id sequences (any id, mostly byte-fallback ids, real encodings with control and byte ids
inserted, real encodings as they are). The library encodes the texts and decodes the id
sequences; `calx tokenize --jsonl` and `calx tokenize --decode --jsonl` do the same in one
process each; the script prints how many differ and the first few, and exits 1 when any do.

    /usr/bin/python3 tools/tokenizer_fuzz.py --calx bin/calx \
        --model ../shared/data/tokenizers/llama2/tokenizer.model \
        [--tokenizer PATH_FOR_CALX] [--n 100000] [--seed 1]

--tokenizer lets Calx read another file of the same vocabulary (tokenizer.bin, tokenizer.json)
while the library reads --model. Needs python3-sentencepiece (Debian). Not part of CI.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

try:
    import sentencepiece as spm
except ImportError:
    sys.exit("tokenizer_fuzz.py: needs the sentencepiece module: apt-get install python3-sentencepiece")

POOLS = [
    " \t\n\r\u00a0\u3000\u2028\u200b\ufeff",
    "0123456789.,+-*/=^_()[]{}\\$%#&!?'\"`~|<>:;@",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "éàüñçøßÆŒ\u0301\u0308\u0327",
    "東京大阪中文字符日本語한국어",
    "🙂👍🏽👨\u200d👩\u200d👧🇺🇸❤️",
    "αβγδπΣΩ∑∫√∞≤≥≠±×÷",
    "\x00\x01\x07\x1b\x7f\x80\x9f",
]


def texts(rng, vocab, n):
    def char():
        if rng.random() < 0.15:
            while True:
                c = rng.randrange(0x110000)
                if not 0xD800 <= c <= 0xDFFF:
                    return chr(c)
        return rng.choice(rng.choice(POOLS))

    def piece():
        return rng.choice(vocab).replace("\u2581", " ")

    for _ in range(n):
        m = rng.random()
        if m < 0.5:
            yield "".join(char() for _ in range(rng.randrange(0, 40)))
        elif m < 0.8:
            yield "".join(piece() for _ in range(rng.randrange(1, 12)))
        else:
            yield "".join(piece() if rng.random() < 0.5 else char() for _ in range(rng.randrange(1, 20)))


def id_sequences(rng, size, byte_ids, encodings, n):
    for _ in range(n):
        m = rng.random()
        if m < 0.3:
            yield [rng.randrange(size) for _ in range(rng.randrange(0, 20))]
        elif m < 0.6:
            yield [rng.choice(byte_ids) if rng.random() < 0.7 else rng.randrange(size) for _ in range(rng.randrange(0, 20))]
        elif m < 0.8:
            ids = list(rng.choice(encodings))
            for _ in range(rng.randrange(0, 4)):
                ids.insert(rng.randrange(len(ids) + 1), rng.choice([0, 1, 2] + byte_ids))
            yield ids
        else:
            yield list(rng.choice(encodings))


def run_calx(calx, tokenizer, args, lines):
    with tempfile.TemporaryFile("w+b") as inp:
        inp.write(("\n".join(lines) + "\n").encode("utf-8"))
        inp.seek(0)
        p = subprocess.run([calx, "tokenize", "--tokenizer", tokenizer] + args, stdin=inp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("calx tokenize %s failed (exit %d): %s" % (" ".join(args), p.returncode, p.stderr.decode("utf-8", "replace")))
    # "\n" only: a decoded text may hold U+2028 or U+0085 unescaped (valid JSON), which splitlines() splits at.
    return [json.loads(l) for l in p.stdout.decode("utf-8").split("\n") if l]


def compare(what, inputs, expected, got, key):
    if len(got) != len(expected):
        print("%s: %d lines in, %d out" % (what, len(expected), len(got)))
        return 1
    bad = [(i, e, g[key]) for i, (e, g) in enumerate(zip(expected, got)) if e != g[key]]
    print("%s: %d of %d differ" % (what, len(bad), len(expected)))
    for i, e, g in bad[:5]:
        print("  input %r\n    library %r\n    calx    %r" % (inputs[i], e, g))
    return len(bad)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calx", required=True, help="the calx launcher (bin/calx)")
    ap.add_argument("--model", required=True, help="tokenizer.model for the sentencepiece library")
    ap.add_argument("--tokenizer", help="the file Calx reads (default: --model)")
    ap.add_argument("--n", type=int, default=100000, help="texts, and id sequences, each (default 100000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sp = spm.SentencePieceProcessor(model_file=a.model)
    rng = random.Random(a.seed)
    size = sp.get_piece_size()
    vocab = [sp.id_to_piece(i) for i in range(size)]
    byte_ids = [i for i in range(size) if sp.is_byte(i)]
    tok = a.tokenizer or a.model

    ts = list(texts(rng, vocab, a.n))
    encodings = [sp.encode(t) for t in ts]
    bad = compare("encode", ts, encodings, run_calx(a.calx, tok, ["--jsonl"], [json.dumps({"text": t}) for t in ts]), "ids")

    seqs = list(id_sequences(rng, size, byte_ids, encodings, a.n))
    decoded = [sp.decode(s) for s in seqs]
    bad += compare("decode", seqs, decoded,
                   run_calx(a.calx, tok, ["--decode", "--jsonl"], [json.dumps({"ids": s}) for s in seqs]), "text")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
