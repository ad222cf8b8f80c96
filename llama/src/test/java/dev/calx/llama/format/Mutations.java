package dev.calx.llama.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random corruptions of a file's bytes for the corruption tests here and in the trainer (which
 * gets this class from this module's test jar): bytes overwritten, truncation, bytes inserted or
 * deleted, an extreme 32- or 64-bit word, a JSON number replaced by -1, 2147483648, 1e400, "7",
 * null, ...
 */
public final class Mutations {
    private Mutations() { }

    /**
     * One random mutation of b (b itself is not changed).
     *
     * @param b     the file's bytes, not empty
     * @param r     the random source
     * @param what  receives a description of the mutation
     * @param first how many leading bytes 8 in 10 mutations fall in (headers, configs, metadata)
     * @return the mutated bytes
     */
    public static byte[] mutate(byte[] b, SplittableRandom r, StringBuilder what, int first) {
        int head = Math.min(b.length, first);
        int kind = r.nextInt(6);
        int at = r.nextInt(10) < 8 ? r.nextInt(head) : r.nextInt(b.length);
        switch (kind) {
            case 0 -> { // a few random bytes
                byte[] c = b.clone();
                int k = 1 + r.nextInt(3);
                for (int i = 0; i < k; i++) {
                    int p = Math.min(c.length - 1, at + r.nextInt(16));
                    c[p] = (byte) r.nextInt(256);
                    what.append(" byte ").append(p).append("=0x").append(Integer.toHexString(c[p] & 0xFF));
                }
                return c;
            }
            case 1 -> { // truncation
                int len = r.nextInt(b.length);
                what.append(" truncated to ").append(len);
                return Arrays.copyOf(b, len);
            }
            case 2 -> { // inserted bytes
                int k = 1 + r.nextInt(8);
                byte[] c = new byte[b.length + k];
                System.arraycopy(b, 0, c, 0, at);
                for (int i = 0; i < k; i++) c[at + i] = (byte) r.nextInt(256);
                System.arraycopy(b, at, c, at + k, b.length - at);
                what.append(" inserted ").append(k).append(" at ").append(at);
                return c;
            }
            case 3 -> { // deleted bytes
                int k = Math.min(b.length - at, 1 + r.nextInt(8));
                byte[] c = new byte[b.length - k];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + k, c, at, b.length - at - k);
                what.append(" deleted ").append(k).append(" at ").append(at);
                return c;
            }
            case 4 -> { // an extreme little-endian word at an aligned offset
                long[] v = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32, Long.MAX_VALUE, 1, 3, 1 << 20};
                int size = r.nextBoolean() ? 4 : 8;
                int p = Math.max(0, Math.min(b.length - size, at & ~(size - 1)));
                long x = v[r.nextInt(v.length)];
                byte[] c = b.clone();
                for (int i = 0; i < size && p + i < c.length; i++) c[p + i] = (byte) (x >>> (8 * i));
                what.append(" word").append(size * 8).append(" at ").append(p).append("=").append(x);
                return c;
            }
            default -> { // a number in JSON text changed (or some digit elsewhere)
                String[] repl = {"0", "-1", "2147483648", "1e400", "12.5", "99999999999", "\"7\"", "null", "[]"};
                String s = new String(b, StandardCharsets.ISO_8859_1);
                int p = -1;
                for (int tries = 0; tries < 64 && p < 0; tries++) {
                    int q = r.nextInt(head);
                    if (Character.isDigit(s.charAt(q))) p = q;
                }
                if (p < 0) return mutate(b, r, what, first);
                int e = p;
                while (e < s.length() && Character.isDigit(s.charAt(e))) e++;
                while (p > 0 && Character.isDigit(s.charAt(p - 1))) p--;
                String x = repl[r.nextInt(repl.length)];
                what.append(" number at ").append(p).append(" -> ").append(x);
                return (s.substring(0, p) + x + s.substring(e)).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }
}
