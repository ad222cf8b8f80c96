"""Reference ids for the embedded default model's tokenizer, from the sentencepiece library.

Usage: /usr/bin/python3 tools/default_tokenizer_fixture.py TOKENIZER.model DATA_DIR OUT.jsonl
Encodes 40 rendered ToRA texts (prompt + code-nested solution) of the synthetic test split and
a few odd strings; DefaultModelTest checks that Calx's reader gives the same ids.
"""
import json, sys
import sentencepiece as spm

sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
texts = []
for i, row in enumerate(open(sys.argv[2] + "/stage2_code_test.jsonl", encoding="utf-8")):
    if i % 10: continue
    m = json.loads(row)["messages"]
    texts.append("<|user|>\n" + m[0]["content"] + "\n<|assistant|>\n" + m[1]["content"])
    if len(texts) == 40: break
texts += ["What is 1234567 * 89?  Use   spaces\tand tabs.", "Ünïcödé — ∑ 𝔁 ½ 日本", "", "<|user|><|assistant|>x"]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for t in texts:
        f.write(json.dumps({"text": t, "ids": sp.encode(t)}, ensure_ascii=False) + "\n")
print(len(texts), "->", sys.argv[3])
