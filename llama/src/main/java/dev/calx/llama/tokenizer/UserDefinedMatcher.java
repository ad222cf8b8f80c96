package dev.calx.llama.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Longest match of USER_DEFINED pieces (added special tokens such as {@code <|code|>}) at a
 * position of the normalized text, as SentencePiece's PrefixMatcher does before BPE. A bitmap of
 * first characters keeps the common case (no user-defined piece starts here) to one array read.
 */
final class UserDefinedMatcher {
    private final boolean[] firstChar = new boolean[65536];
    private final Map<Character, List<Integer>> byFirst = new HashMap<>();
    private final Vocabulary v;

    private UserDefinedMatcher(Vocabulary v) {
        this.v = v;
    }

    /** The matcher of a vocabulary's user-defined pieces, or null when it has none. */
    static UserDefinedMatcher of(Vocabulary v) {
        UserDefinedMatcher m = null;
        for (int id = 0; id < v.size(); id++) {
            if (v.type(id) != PieceType.USER_DEFINED) continue;
            if (m == null) m = new UserDefinedMatcher(v);
            char c = v.piece(id).charAt(0);
            m.firstChar[c] = true;
            m.byFirst.computeIfAbsent(c, k -> new ArrayList<>()).add(id);
        }
        if (m != null) {
            Comparator<Integer> longestFirst = Comparator.comparingInt(id -> -v.piece(id).length());
            m.byFirst.values().forEach(list -> list.sort(longestFirst));
        }
        return m;
    }

    /** The id of the longest user-defined piece at {@code text[p..end)}, or -1. */
    int match(char[] text, int p, int end) {
        char c = text[p];
        if (!firstChar[c]) return -1;
        for (int id : byFirst.get(c)) {
            String piece = v.piece(id);
            int n = piece.length();
            if (p + n > end) continue;
            boolean ok = true;
            for (int k = 1; k < n; k++) {
                if (text[p + k] != piece.charAt(k)) {
                    ok = false;
                    break;
                }
            }
            if (ok) return id;
        }
        return -1;
    }
}
