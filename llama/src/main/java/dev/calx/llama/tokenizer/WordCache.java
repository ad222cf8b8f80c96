package dev.calx.llama.tokenizer;

import java.util.Arrays;

/**
 * Per-thread cache from a word of normalized text (a char range) to its ids, so that repeated
 * words skip BPE. Open addressing over char ranges with the full hash stored beside each key, so a
 * lookup allocates nothing and compares chars only on a likely hit. When half full it is simply
 * emptied (no LRU bookkeeping on the hot path).
 */
final class WordCache {
    /** Longer words are encoded directly (they rarely repeat). */
    static final int MAX_WORD = 48;
    private static final int CAPACITY = 1 << 16;
    private final char[][] keys = new char[CAPACITY][];
    private final int[][] values = new int[CAPACITY][];
    private final int[] hashes = new int[CAPACITY];
    private int size;

    private static int hash(char[] s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s[i];
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int[] get(char[] s, int from, int to) {
        int h = hash(s, from, to);
        int mask = CAPACITY - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            char[] k = keys[i];
            if (k == null) return null;
            if (hashes[i] == h && k.length == to - from && Arrays.equals(k, 0, k.length, s, from, to)) return values[i];
        }
    }

    void put(char[] s, int from, int to, int[] ids) {
        if (2 * (size + 1) > CAPACITY) {
            Arrays.fill(keys, null);
            Arrays.fill(values, null);
            size = 0;
        }
        int h = hash(s, from, to);
        int mask = CAPACITY - 1;
        int i = h & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        keys[i] = Arrays.copyOfRange(s, from, to);
        values[i] = ids;
        hashes[i] = h;
        size++;
    }
}
