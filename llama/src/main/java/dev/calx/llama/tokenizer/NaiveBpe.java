package dev.calx.llama.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The obvious O(n²) version of {@link BpeEncoder}, written like llama2.c's {@code encode}: keep a
 * list of symbol strings, scan all adjacent pairs for the highest-scoring piece their
 * concatenation forms (leftmost on ties), merge, repeat. Kept to check the fast path in tests;
 * it does not implement UNUSED-piece resegmentation.
 */
final class NaiveBpe {
    private NaiveBpe() {
    }

    static int[] encode(Vocabulary v, String text, boolean addBos) {
        List<Integer> out = new ArrayList<>();
        if (addBos) out.add(v.bosId());
        String norm = normalize(v.normalization(), text);
        List<String> symbols = new ArrayList<>();
        List<Boolean> frozen = new ArrayList<>();
        List<String> userDefined = new ArrayList<>();
        for (int id = 0; id < v.size(); id++) {
            if (v.type(id) == PieceType.USER_DEFINED) userDefined.add(v.piece(id));
        }
        int p = 0;
        while (p < norm.length()) {
            String best = null;
            for (String piece : userDefined) {
                if (norm.startsWith(piece, p) && (best == null || piece.length() > best.length())) best = piece;
            }
            frozen.add(best != null);
            if (best == null) best = norm.substring(p, norm.offsetByCodePoints(p, 1));
            symbols.add(best);
            p += best.length();
        }
        java.util.Set<String> rules = null;
        if (v.mergeRules() != null) {
            rules = new java.util.HashSet<>();
            for (int[] r : v.mergeRules()) rules.add(v.piece(r[0]) + "\u0000" + v.piece(r[1]));
        }
        while (true) {
            int bestIdx = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                if (frozen.get(i) || frozen.get(i + 1)) continue;
                if (rules != null && !rules.contains(symbols.get(i) + "\u0000" + symbols.get(i + 1))) continue;
                int id = v.mergeableId(symbols.get(i) + symbols.get(i + 1));
                if (id >= 0 && (bestIdx < 0 || v.score(id) > bestScore)) {
                    bestIdx = i;
                    bestScore = v.score(id);
                    bestId = id;
                }
            }
            if (bestIdx < 0) break;
            symbols.set(bestIdx, v.piece(bestId));
            symbols.remove(bestIdx + 1);
            frozen.remove(bestIdx + 1);
        }
        boolean prevUnk = false;
        for (String s : symbols) {
            int id = v.idOf(s);
            if (id >= 0 && v.type(id) != PieceType.UNKNOWN) {
                out.add(id);
                prevUnk = false;
            } else if (v.byteFallback()) {
                for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    int bid = v.byteId(b & 0xFF);
                    out.add(bid >= 0 ? bid : v.unkIdFor(s.codePointAt(0)));
                }
                prevUnk = true;
            } else {
                if (!prevUnk) out.add(v.unkIdFor(s.codePointAt(0)));
                prevUnk = true;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static String normalize(Normalization nz, String text) {
        if (text.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? Utf8.REPLACEMENT : c);
            }
        }
        String s = sb.toString();
        if (nz.removeExtraWhitespaces()) {
            s = s.replaceAll("^ +", "").replaceAll(" +$", "").replaceAll(" {2,}", " ");
            if (s.isEmpty()) return "";
        }
        String space = nz.escapeWhitespaces() ? String.valueOf(Normalization.SPACE_SYMBOL) : " ";
        if (nz.addDummyPrefix() && !nz.treatWhitespaceAsSuffix()) s = " " + s;
        if (nz.escapeWhitespaces()) s = s.replace(' ', Normalization.SPACE_SYMBOL);
        if (nz.removeExtraWhitespaces()) {
            while (s.endsWith(space)) s = s.substring(0, s.length() - 1);
        }
        if (nz.addDummyPrefix() && nz.treatWhitespaceAsSuffix()) s = s + space;
        return s;
    }
}
