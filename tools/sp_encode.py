#!/usr/bin/env python3
"""Encode texts with the real sentencepiece library (Debian python3-sentencepiece).

Used to check a tokenizer.model that Calx wrote (for example `calx convert --to hf` from a GGUF
file) against the library: each text's ids, one line each, space-separated, no BOS, as
`calx tokenize --tokenizer FILE TEXT` prints them.

    /usr/bin/python3 tools/sp_encode.py OUT/tokenizer.model "Once upon a time" "café 東京 🙂"
"""
import sys

try:
    import sentencepiece as spm
except ImportError:
    sys.exit("sp_encode.py: needs the sentencepiece module: apt-get install python3-sentencepiece")

if len(sys.argv) < 3:
    sys.exit("usage: sp_encode.py TOKENIZER.model TEXT...")
sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
for text in sys.argv[2:]:
    print(" ".join(str(i) for i in sp.encode(text)))
