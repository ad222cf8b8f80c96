package dev.calx.llama.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * SentencePiece's BPE encoding ({@code bpe_model.cc}): normalize, split into characters (and
 * user-defined pieces, which never merge), then repeatedly merge the adjacent pair whose
 * concatenation is the piece with the highest score, leftmost first on ties; characters left
 * without a piece become byte-fallback pieces, one per UTF-8 byte.
 *
 * <p>Fast path: symbols are index ranges of one normalized char buffer in a doubly linked list;
 * candidate pairs sit in a binary heap keyed by (score, -left) packed into one long; a pair is
 * looked up as (left id, right id) in a precomputed merge table, so no string is built per
 * symbol or per pair. Stale heap entries are skipped by SentencePiece's own test (both symbols
 * alive and their lengths adding up). {@link NaiveBpe} is the obvious slow version kept for tests.
 * Thread-safe: per-thread scratch space.
 */
final class BpeEncoder {
    private final Vocabulary v;
    private final int[] asciiIds = new int[128];
    private final LongIntMap charIds;
    private final LongIntMap reservedCharIds;
    private final LongIntMap merges;
    private final int[] scoreKeys;
    private final boolean[] unused;
    private final boolean hasUnused;
    private final Set<Integer> orphanChars = new HashSet<>();
    private final UserDefinedMatcher matcher;
    private final boolean explicitRules;
    private final boolean segmentable;
    private final ThreadLocal<Workspace> workspace = ThreadLocal.withInitial(Workspace::new);

    BpeEncoder(Vocabulary v) {
        this.v = v;
        int n = v.size();
        Arrays.fill(asciiIds, -1);
        charIds = new LongIntMap(1024);
        reservedCharIds = new LongIntMap(16);
        scoreKeys = new int[n];
        unused = new boolean[n];
        boolean anyUnused = false;
        int mergeable = 0;
        for (int id = 0; id < n; id++) {
            String p = v.piece(id);
            PieceType t = v.type(id);
            float s = v.score(id);
            scoreKeys[id] = sortable(s == 0f ? 0f : s); // -0.0 and 0.0 compare equal in C++
            boolean single = p.codePointCount(0, p.length()) == 1;
            if (t.mergeable()) {
                mergeable++;
                if (single) {
                    int cp = p.codePointAt(0);
                    if (cp < 128) asciiIds[cp] = id;
                    else charIds.put(cp, id);
                }
                if (t == PieceType.UNUSED) {
                    unused[id] = true;
                    anyUnused = true;
                }
            } else if (single) {
                reservedCharIds.put(p.codePointAt(0), id);
            }
        }
        hasUnused = anyUnused;
        // Every way of writing a mergeable piece as two mergeable pieces is a merge rule; the
        // merged piece is determined by the two halves, so (left id, right id) is a complete key.
        // A tokenizer.json instead lists its rules; then only those apply.
        merges = new LongIntMap(mergeable * 2);
        int[][] rules = v.mergeRules();
        explicitRules = rules != null;
        if (rules != null) {
            for (int[] rule : rules) {
                int merged = v.mergeableId(v.piece(rule[0]) + v.piece(rule[1]));
                if (merged < 0) {
                    throw new IllegalArgumentException("merge rule '" + v.piece(rule[0]) + " " + v.piece(rule[1])
                            + "' spells no piece of the vocabulary");
                }
                if (merges.get(((long) rule[0] << 32) | rule[1]) < 0) merges.put(((long) rule[0] << 32) | rule[1], merged);
            }
        }
        for (int id = 0; id < n; id++) {
            if (!v.type(id).mergeable()) continue;
            String p = v.piece(id);
            for (int k = p.offsetByCodePoints(0, 1); rules == null && k < p.length(); k = p.offsetByCodePoints(k, 1)) {
                int a = v.mergeableId(p.substring(0, k));
                int b = v.mergeableId(p.substring(k));
                if (a >= 0 && b >= 0) merges.put(((long) a << 32) | b, id);
            }
            for (int k = 0; k < p.length(); k = p.offsetByCodePoints(k, 1)) {
                int cp = p.codePointAt(k);
                if (v.mergeableId(new String(Character.toChars(cp))) < 0) orphanChars.add(cp);
            }
        }
        matcher = UserDefinedMatcher.of(v);
        segmentable = segmentable(v);
    }

    /**
     * Whether BPE can run on each "word" separately: true when no mergeable piece has the space
     * symbol right after another character (true for Llama-2), because then no merge ever crosses
     * the point before a space that follows a non-space, so the pieces of a word do not depend on
     * its neighbours. Words then repeat, and their ids are cached. (Byte fallback is required:
     * without it, unknown pieces next to each other merge across words.)
     */
    private static boolean segmentable(Vocabulary v) {
        Normalization nz = v.normalization();
        if (!v.byteFallback() || nz.treatWhitespaceAsSuffix()) return false;
        char space = nz.escapeWhitespaces() ? Normalization.SPACE_SYMBOL : ' ';
        for (int id = 0; id < v.size(); id++) {
            if (!v.type(id).mergeable()) continue;
            String p = v.piece(id);
            for (int k = 1; k < p.length(); k++) {
                if (p.charAt(k) == space && p.charAt(k - 1) != space) return false;
            }
        }
        return true;
    }

    /** A float's bits turned into an int with the same order. */
    static int sortable(float f) {
        int b = Float.floatToRawIntBits(f);
        return b >= 0 ? b : b ^ 0x7FFFFFFF;
    }

    int mergeRules() {
        return merges.size();
    }

    /** How much of the text one BPE run sees; all three give the same ids (tested). */
    enum Mode {
        /** SentencePiece's way: one BPE over the whole normalized text. */
        WHOLE_TEXT,
        /** One BPE per word (smaller heaps) when the vocabulary allows it, else WHOLE_TEXT. */
        WORDS,
        /** WORDS, with each word's ids cached per thread. */
        WORDS_CACHED
    }

    /** Encodes text (a Java string; lone surrogates count as U+FFFD). */
    int[] encode(CharSequence text, boolean addBos, boolean addEos) {
        return encode(text, addBos, addEos, Mode.WORDS_CACHED);
    }

    int[] encode(CharSequence text, boolean addBos, boolean addEos, Mode mode) {
        Workspace ws = workspace.get();
        ws.outN = 0;
        if (addBos && v.bosId() >= 0) ws.emit(v.bosId());
        int m = normalize(text, ws);
        if (m > 0) {
            if (segmentable && mode != Mode.WHOLE_TEXT) {
                encodeWords(ws, m, mode == Mode.WORDS_CACHED);
            } else {
                encodeRange(ws, 0, m);
            }
        }
        if (addEos && v.eosId() >= 0) ws.emit(v.eosId());
        return Arrays.copyOf(ws.out, ws.outN);
    }

    private void encodeRange(Workspace ws, int from, int to) {
        int ns = split(ws, from, to);
        merge(ws, ns);
        output(ws);
    }

    /**
     * Cuts the normalized text before each space that follows a non-space and around
     * user-defined pieces (which never merge), and encodes each word through the cache.
     */
    private void encodeWords(Workspace ws, int m, boolean cached) {
        char[] norm = ws.norm;
        char space = v.normalization().escapeWhitespaces() ? Normalization.SPACE_SYMBOL : ' ';
        int wordStart = 0;
        for (int p = 0; p < m; ) {
            if (matcher != null) {
                int ud = matcher.match(norm, p, m);
                if (ud >= 0) {
                    encodeWord(ws, wordStart, p, cached);
                    ws.emit(ud);
                    p += v.piece(ud).length();
                    wordStart = p;
                    continue;
                }
            }
            char c = norm[p];
            if (c == space && p > wordStart && norm[p - 1] != space) {
                encodeWord(ws, wordStart, p, cached);
                wordStart = p;
            }
            p += Character.isHighSurrogate(c) && p + 1 < m && Character.isLowSurrogate(norm[p + 1]) ? 2 : 1;
        }
        encodeWord(ws, wordStart, m, cached);
    }

    private void encodeWord(Workspace ws, int from, int to, boolean cached) {
        if (from == to) return;
        if (!cached || to - from > WordCache.MAX_WORD) {
            encodeRange(ws, from, to);
            return;
        }
        int[] ids = ws.cache.get(ws.norm, from, to);
        if (ids != null) {
            for (int id : ids) ws.emit(id);
            return;
        }
        int before = ws.outN;
        encodeRange(ws, from, to);
        ws.cache.put(ws.norm, from, to, Arrays.copyOfRange(ws.out, before, ws.outN));
    }

    /** SentencePiece's normalizer without a character map; returns the normalized length. */
    private int normalize(CharSequence text, Workspace ws) {
        int n = text.length();
        if (n == 0) return 0;
        Normalization nz = v.normalization();
        char[] norm = ws.norm(n + 2);
        boolean collapse = nz.removeExtraWhitespaces();
        char space = nz.escapeWhitespaces() ? Normalization.SPACE_SYMBOL : ' ';
        int i = 0;
        if (collapse) {
            while (i < n && text.charAt(i) == ' ') i++;
            if (i == n) return 0;
        }
        int m = 0;
        if (nz.addDummyPrefix() && !nz.treatWhitespaceAsSuffix()) norm[m++] = space;
        boolean prevSpace = collapse;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                if (!prevSpace) norm[m++] = space;
                prevSpace = collapse;
            } else {
                prevSpace = false;
                if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                        norm[m++] = c;
                        norm[m++] = text.charAt(++i);
                    } else {
                        norm[m++] = Utf8.REPLACEMENT;
                    }
                } else {
                    norm[m++] = c;
                }
            }
        }
        if (collapse) {
            while (m > 0 && norm[m - 1] == space) m--;
        }
        if (nz.addDummyPrefix() && nz.treatWhitespaceAsSuffix()) norm[m++] = space;
        return m;
    }

    /** Splits {@code norm[from, m)} into characters and user-defined pieces; returns the count. */
    private int split(Workspace ws, int from, int m) {
        char[] norm = ws.norm;
        ws.symbols(m - from);
        int[] id = ws.id, start = ws.start, len = ws.len, prev = ws.prev, next = ws.next;
        boolean[] frozen = ws.frozen;
        int ns = 0;
        for (int p = from; p < m; ) {
            int l;
            int sid;
            boolean fr = false;
            int ud = matcher == null ? -1 : matcher.match(norm, p, m);
            char c = norm[p];
            if (ud >= 0) {
                l = v.piece(ud).length();
                sid = ud;
                fr = true;
            } else if (c < 128) {
                l = 1;
                sid = asciiIds[c];
            } else if (Character.isHighSurrogate(c) && p + 1 < m && Character.isLowSurrogate(norm[p + 1])) {
                l = 2;
                sid = charIds.get(Character.toCodePoint(c, norm[p + 1]));
            } else {
                l = 1;
                sid = charIds.get(c);
            }
            id[ns] = sid;
            start[ns] = p;
            len[ns] = l;
            frozen[ns] = fr;
            prev[ns] = ns - 1;
            next[ns] = ns + 1;
            ns++;
            p += l;
        }
        next[ns - 1] = -1;
        return ns;
    }

    private void merge(Workspace ws, int ns) {
        ws.heapN = 0;
        if (hasUnused) ws.revMerge.clear();
        for (int s = 1; s < ns; s++) maybeAddPair(ws, s - 1, s);
        int[] id = ws.id, len = ws.len, prev = ws.prev, next = ws.next;
        while (ws.heapN > 0) {
            long key = ws.heapKey[0];
            int merged = ws.heapMerged[0];
            int size = ws.heapSize[0];
            ws.pop();
            int l = ~(int) key;
            if (len[l] == 0) continue;
            int r = next[l];
            if (r < 0 || len[l] + len[r] != size) continue;
            len[l] = size;
            id[l] = merged;
            int rn = next[r];
            next[l] = rn;
            if (rn >= 0) prev[rn] = l;
            len[r] = 0;
            if (prev[l] >= 0) maybeAddPair(ws, prev[l], l);
            if (rn >= 0) maybeAddPair(ws, l, rn);
        }
    }

    private void maybeAddPair(Workspace ws, int l, int r) {
        if (ws.frozen[l] || ws.frozen[r]) return;
        int a = ws.id[l], b = ws.id[r];
        int merged;
        if (a >= 0 && b >= 0) {
            merged = merges.get(((long) a << 32) | b);
        } else {
            // A character without a piece of its own can still sit inside a longer piece.
            if (explicitRules || (a < 0 && !orphanChars.contains(codePointAt(ws, l)))
                    || (b < 0 && !orphanChars.contains(codePointAt(ws, r)))) {
                return;
            }
            merged = v.mergeableId(new String(ws.norm, ws.start[l], ws.len[l] + ws.len[r]));
        }
        if (merged < 0) return;
        int size = ws.len[l] + ws.len[r];
        ws.push(((long) scoreKeys[merged] << 32) | (~l & 0xFFFFFFFFL), merged, size);
        if (unused[merged]) {
            ws.revMerge.put(merged, new String[] {text(ws, l), text(ws, r)});
        }
    }

    private static int codePointAt(Workspace ws, int s) {
        return Character.codePointAt(ws.norm, ws.start[s], ws.start[s] + ws.len[s]);
    }

    private static String text(Workspace ws, int s) {
        return new String(ws.norm, ws.start[s], ws.len[s]);
    }

    private void output(Workspace ws) {
        ws.prevUnk = false;
        for (int s = 0; s != -1; s = ws.next[s]) {
            int sid = ws.id[s];
            if (sid >= 0 && !unused[sid]) {
                ws.emit(sid);
                ws.prevUnk = false;
            } else if (sid >= 0) {
                resegment(ws, v.piece(sid), sid);
            } else {
                emitUnknown(ws, codePointAt(ws, s));
            }
        }
    }

    /** SentencePiece splits an UNUSED piece back into the two symbols it was merged from. */
    private void resegment(Workspace ws, String w, int wid) {
        if (wid < 0) {
            w.codePoints().forEach(cp -> emitUnknown(ws, cp));
            return;
        }
        String[] halves = unused[wid] ? ws.revMerge.get(wid) : null;
        if (halves == null) {
            ws.emit(wid);
            ws.prevUnk = false;
            return;
        }
        resegment(ws, halves[0], v.mergeableId(halves[0]));
        resegment(ws, halves[1], v.mergeableId(halves[1]));
    }

    /** A character that is no mergeable piece: a reserved piece of that spelling, bytes, or unk. */
    private void emitUnknown(Workspace ws, int cp) {
        int reserved = reservedCharIds.get(cp);
        if (reserved >= 0 && v.type(reserved) != PieceType.UNKNOWN) {
            ws.emit(reserved);
            ws.prevUnk = false;
            return;
        }
        if (v.byteFallback()) {
            int nb = Utf8.encode(cp, ws.utf8, 0);
            for (int k = 0; k < nb; k++) {
                int bid = v.byteId(ws.utf8[k] & 0xFF);
                ws.emit(bid >= 0 ? bid : v.unkIdFor(cp));
            }
        } else if (!ws.prevUnk) {
            ws.emit(v.unkIdFor(cp));
        }
        ws.prevUnk = true;
    }

    /** Per-thread scratch arrays, grown as needed and reused across calls. */
    static final class Workspace {
        char[] norm = new char[0];
        int[] id = new int[0], start = id, len = id, prev = id, next = id;
        boolean[] frozen = new boolean[0];
        long[] heapKey = new long[64];
        int[] heapMerged = new int[64], heapSize = new int[64];
        int heapN;
        int[] out = new int[64];
        int outN;
        boolean prevUnk;
        final byte[] utf8 = new byte[4];
        final Map<Integer, String[]> revMerge = new HashMap<>();
        final WordCache cache = new WordCache();

        char[] norm(int n) {
            if (norm.length < n) norm = new char[Math.max(n, norm.length * 2)];
            return norm;
        }

        void symbols(int n) {
            if (id.length < n) {
                int c = Math.max(n, id.length * 2);
                id = new int[c];
                start = new int[c];
                len = new int[c];
                prev = new int[c];
                next = new int[c];
                frozen = new boolean[c];
            }
        }

        void emit(int token) {
            if (outN == out.length) out = Arrays.copyOf(out, out.length * 2);
            out[outN++] = token;
        }

        void push(long key, int merged, int size) {
            if (heapN == heapKey.length) {
                heapKey = Arrays.copyOf(heapKey, heapN * 2);
                heapMerged = Arrays.copyOf(heapMerged, heapN * 2);
                heapSize = Arrays.copyOf(heapSize, heapN * 2);
            }
            int i = heapN++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heapKey[parent] >= key) break;
                heapKey[i] = heapKey[parent];
                heapMerged[i] = heapMerged[parent];
                heapSize[i] = heapSize[parent];
                i = parent;
            }
            heapKey[i] = key;
            heapMerged[i] = merged;
            heapSize[i] = size;
        }

        void pop() {
            int n = --heapN;
            if (n == 0) return;
            long key = heapKey[n];
            int merged = heapMerged[n], size = heapSize[n];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) break;
                if (c + 1 < n && heapKey[c + 1] > heapKey[c]) c++;
                if (heapKey[c] <= key) break;
                heapKey[i] = heapKey[c];
                heapMerged[i] = heapMerged[c];
                heapSize[i] = heapSize[c];
                i = c;
            }
            heapKey[i] = key;
            heapMerged[i] = merged;
            heapSize[i] = size;
        }
    }
}
