package dev.calx.llama.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The little of the protobuf wire format a tokenizer.model needs: a reader over fields (varint,
 * 32/64-bit, length-delimited) that names the file and offset when the bytes are malformed, and a
 * writer for the same. No generated code, no protobuf dependency.
 */
final class Protobuf {
    static final int VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

    private Protobuf() {
    }

    /** Sequential reader over the fields of one message in {@code buf[from, to)}. */
    static final class Reader {
        private final String source;
        private final byte[] buf;
        private final int end;
        private int pos;
        int field;
        int wire;
        int fieldStart;

        Reader(String source, byte[] buf, int from, int to) {
            this.source = source;
            this.buf = buf;
            this.pos = from;
            this.end = to;
        }

        /** Advances to the next field; false at the end of the message. */
        boolean next() throws IOException {
            if (pos >= end) return false;
            fieldStart = pos;
            long key = varint();
            field = (int) (key >>> 3);
            wire = (int) (key & 7);
            if (field <= 0) throw error("a field number > 0", String.valueOf(field));
            return true;
        }

        long varint() throws IOException {
            long r = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) throw error("the rest of a varint", "the end of the message");
                int b = buf[pos++] & 0xFF;
                r |= (long) (b & 0x7F) << shift;
                if (b < 0x80) return r;
            }
            throw error("a varint of at most 10 bytes", "a longer one");
        }

        float fixed32Float() throws IOException {
            expectWire(I32);
            if (end - pos < 4) throw error("4 bytes of a float", (end - pos) + " bytes");
            int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
            pos += 4;
            return Float.intBitsToFloat(bits);
        }

        long varintField() throws IOException {
            expectWire(VARINT);
            return varint();
        }

        /** Start of a length-delimited field's payload; {@link #lenEnd} is its end. */
        int lenStart() throws IOException {
            expectWire(LEN);
            long n = varint();
            if (n < 0 || n > end - pos) throw error("a length within the message", String.valueOf(n));
            lenEnd = pos + (int) n;
            int s = pos;
            pos = lenEnd;
            return s;
        }

        int lenEnd;

        String string() throws IOException {
            int s = lenStart();
            return new String(buf, s, lenEnd - s, StandardCharsets.UTF_8);
        }

        void skip() throws IOException {
            switch (wire) {
                case VARINT -> varint();
                case I64 -> advance(8);
                case I32 -> advance(4);
                case LEN -> lenStart();
                default -> throw error("wire type 0, 1, 2 or 5", String.valueOf(wire));
            }
        }

        int position() {
            return pos;
        }

        private void advance(int n) throws IOException {
            if (end - pos < n) throw error(n + " bytes", (end - pos) + " bytes");
            pos += n;
        }

        private void expectWire(int w) throws IOException {
            if (wire != w) throw error("wire type " + w + " for field " + field, String.valueOf(wire));
        }

        IOException error(String expected, String found) {
            return new IOException(source + ": malformed protobuf at byte " + pos + ": expected "
                    + expected + ", found " + found);
        }
    }

    /** Appends fields to a growing byte array. */
    static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void key(int field, int wire) {
            varint(((long) field << 3) | wire);
        }

        void varintField(int field, long v) {
            key(field, VARINT);
            varint(v);
        }

        void floatField(int field, float f) {
            key(field, I32);
            int b = Float.floatToRawIntBits(f);
            out.write(b);
            out.write(b >>> 8);
            out.write(b >>> 16);
            out.write(b >>> 24);
        }

        void bytesField(int field, byte[] b) {
            key(field, LEN);
            varint(b.length);
            out.write(b, 0, b.length);
        }

        void stringField(int field, String s) {
            bytesField(field, s.getBytes(StandardCharsets.UTF_8));
        }

        void raw(byte[] b, int from, int to) {
            out.write(b, from, to - from);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
