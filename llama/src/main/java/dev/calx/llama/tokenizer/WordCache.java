package dev.calx.llama.tokenizer;

/**
 * Per-thread cache from a word of normalized text (a char range) to its ids, so that repeated
 * words skip BPE. Open addressing over char ranges: a lookup allocates nothing. When half full it
 * is simply emptied (no LRU bookkeeping on the hot path).
 */
final class WordCache {
    /** Longer words are encoded directly (they rarely repeat). */
    static final int MAX_WORD = 48;
    private static final int CAPACITY = 1 << 15;
    private final char[][] keys = new char[CAPACITY][];
    private final int[][] values = new int[CAPACITY][];
    private int size;

    private static int hash(char[] s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s[i];
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    int[] get(char[] s, int from, int to) {
        int mask = CAPACITY - 1;
        for (int i = hash(s, from, to) & mask; ; i = (i + 1) & mask) {
            char[] k = keys[i];
            if (k == null) return null;
            if (k.length == to - from && java.util.Arrays.equals(k, 0, k.length, s, from, to)) return values[i];
        }
    }

    void put(char[] s, int from, int to, int[] ids) {
        if (2 * (size + 1) > CAPACITY) {
            java.util.Arrays.fill(keys, null);
            java.util.Arrays.fill(values, null);
            size = 0;
        }
        int mask = CAPACITY - 1;
        int i = hash(s, from, to) & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        keys[i] = java.util.Arrays.copyOfRange(s, from, to);
        values[i] = ids;
        size++;
    }
}
