package dev.calx.decode.testing;

import dev.calx.llama.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny deterministic tokenizer for tests: ids 0..2 are unk, BOS, EOS; then added special
 * tokens (matched atomically), multi-character pieces, and one piece per character of printable
 * ASCII plus newline. Encoding is greedy longest match. Not a SentencePiece model.
 */
public final class TestTokenizer implements Tokenizer {
    public static final int BOS = 1, EOS = 2;
    private final List<String> pieces = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final int specialEnd;
    private int maxLen = 1;

    public TestTokenizer(List<String> specials, List<String> multiCharPieces) {
        add("<unk>");
        add("<s>");
        add("</s>");
        specials.forEach(this::add);
        specialEnd = pieces.size();
        multiCharPieces.forEach(this::add);
        add("\n");
        for (char c = 32; c < 127; c++) add(String.valueOf(c));
    }

    public static TestTokenizer plain() {
        return new TestTokenizer(List.of(), List.of());
    }

    private void add(String p) {
        if (ids.containsKey(p)) return;
        ids.put(p, pieces.size());
        pieces.add(p);
        maxLen = Math.max(maxLen, p.length());
    }

    public int id(String piece) {
        Integer id = ids.get(piece);
        if (id == null) throw new IllegalArgumentException("no piece " + piece);
        return id;
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        List<Integer> out = new ArrayList<>();
        if (addBos) out.add(BOS);
        int i = 0;
        while (i < text.length()) {
            int best = -1, bestLen = 0;
            for (int len = Math.min(maxLen, text.length() - i); len >= 1; len--) {
                Integer id = ids.get(text.substring(i, i + len));
                if (id != null && id != BOS && id != EOS && id != 0) {
                    best = id;
                    bestLen = len;
                    break;
                }
            }
            if (best < 0) {
                out.add(0);
                i++;
            } else {
                out.add(best);
                i += bestLen;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) if (t != BOS && t != EOS) sb.append(pieces.get(t));
        return sb.toString();
    }

    @Override
    public String piece(int id) {
        return pieces.get(id);
    }

    public boolean isSpecial(int id) {
        return id >= 3 && id < specialEnd;
    }
}
