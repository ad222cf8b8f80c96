"""Train the default model's SentencePiece BPE tokenizer on the synthetic corpus.

Usage: /usr/bin/python3 tools/train_tokenizer.py DATA_DIR OUT_PREFIX [VOCAB_SIZE]
Reads every question and assistant message of DATA_DIR/stage{1,2}_*_train.jsonl (train split
only, so the tokenizer never sees test problems), one line of text per training sentence
(SentencePiece trains on lines; a newline is then encoded as the byte piece <0x0A>).
Options follow Llama-2's tokenizer (BPE, byte fallback, split digits, identity normalization,
no whitespace collapsing, unk/bos/eos = 0/1/2) so Calx's reader handles it as it does Llama's;
the ToRA chat markers are user-defined symbols (atomic pieces).
"""
import glob, json, os, sys, tempfile
import sentencepiece as spm

data, prefix = sys.argv[1], sys.argv[2]
vocab = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
lines = []
for f in sorted(glob.glob(os.path.join(data, "stage*_train.jsonl"))):
    for row in open(f, encoding="utf-8"):
        r = json.loads(row)
        for m in r["messages"]:
            lines.extend(l for l in m["content"].split("\n") if l.strip())
with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as t:
    t.write("\n".join(lines) + "\n")
spm.SentencePieceTrainer.train(
    input=t.name, model_prefix=prefix, model_type="bpe", vocab_size=vocab,
    byte_fallback=True, split_digits=True, normalization_rule_name="identity",
    remove_extra_whitespaces=False, allow_whitespace_only_pieces=True,
    user_defined_symbols=["<|user|>", "<|assistant|>"], character_coverage=1.0,
    unk_id=0, bos_id=1, eos_id=2, pad_id=-1, input_sentence_size=2000000,
    shuffle_input_sentence=True, seed_sentencepiece_size=1000000, num_threads=2)
os.unlink(t.name)
print("lines", len(lines), "->", prefix + ".model")
