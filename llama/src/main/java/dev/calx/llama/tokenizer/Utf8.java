package dev.calx.llama.tokenizer;

/**
 * UTF-8 decoding with SentencePiece's rules for malformed input: each byte that does not start a
 * well-formed, shortest-form sequence of a valid code point (no surrogates, at most U+10FFFF)
 * becomes one U+FFFD and decoding resumes at the next byte. (Java's own decoder replaces maximal
 * subparts instead, which gives fewer U+FFFD; the ids would differ.)
 */
final class Utf8 {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /**
     * Length of the valid sequence starting at {@code b[i]} (1..4), or 0 if malformed there,
     * or -1 if it is a valid but truncated prefix of a sequence (more bytes could complete it).
     */
    static int sequenceLength(byte[] b, int i, int end) {
        int c0 = b[i] & 0xFF;
        if (c0 < 0x80) return 1;
        int need;
        int min;
        if ((c0 & 0xE0) == 0xC0) {
            need = 2;
            min = 0x80;
        } else if ((c0 & 0xF0) == 0xE0) {
            need = 3;
            min = 0x800;
        } else if ((c0 & 0xF8) == 0xF0) {
            need = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        int avail = Math.min(need, end - i);
        int cp = c0 & (0x7F >> need);
        for (int k = 1; k < avail; k++) {
            int c = b[i + k] & 0xFF;
            if ((c & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (avail < need) return -1;
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
        return need;
    }

    /** Decodes {@code b[from, to)}, one U+FFFD per malformed or truncated byte. */
    static void decode(byte[] b, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            int len = sequenceLength(b, i, to);
            if (len <= 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            if (len == 1) {
                out.append((char) b[i]);
            } else {
                int cp = b[i] & (0x7F >> len);
                for (int k = 1; k < len; k++) cp = (cp << 6) | (b[i + k] & 0x3F);
                out.appendCodePoint(cp);
            }
            i += len;
        }
    }

    static String decode(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        decode(b, 0, b.length, sb);
        return sb.toString();
    }

    /** Appends the UTF-8 bytes of code point {@code cp} to {@code out} at {@code n}; returns the new n. */
    static int encode(int cp, byte[] out, int n) {
        if (cp < 0x80) {
            out[n++] = (byte) cp;
        } else if (cp < 0x800) {
            out[n++] = (byte) (0xC0 | (cp >> 6));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (byte) (0xE0 | (cp >> 12));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[n++] = (byte) (0xF0 | (cp >> 18));
            out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        }
        return n;
    }
}
