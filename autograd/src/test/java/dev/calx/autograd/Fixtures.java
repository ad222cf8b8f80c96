package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the fixture file written by tools/autograd_fixtures.py (format described there). */
final class Fixtures {
    private final Map<String, Object> entries;

    private Fixtures(Map<String, Object> entries) {
        this.entries = entries;
    }

    static Fixtures load(String resource) throws IOException {
        byte[] all;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing test resource " + resource + " (run tools/autograd_fixtures.py)");
            all = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("CALXFIX1")) {
            throw new IOException(resource + ": bad magic " + new String(magic, StandardCharsets.US_ASCII));
        }
        int count = b.getInt();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int e = 0; e < count; e++) {
            byte[] name = new byte[b.getInt()];
            b.get(name);
            int dtype = b.getInt(), rank = b.getInt();
            int[] shape = new int[rank];
            int n = 1;
            for (int i = 0; i < rank; i++) n *= shape[i] = b.getInt();
            if (dtype == 0) {
                float[] d = new float[n];
                b.asFloatBuffer().get(d);
                b.position(b.position() + 4 * n);
                m.put(new String(name, StandardCharsets.UTF_8), Tensor.wrap(d, shape));
            } else {
                int[] d = new int[n];
                b.asIntBuffer().get(d);
                b.position(b.position() + 4 * n);
                m.put(new String(name, StandardCharsets.UTF_8), d);
            }
        }
        if (b.hasRemaining()) throw new IOException(resource + ": " + b.remaining() + " trailing bytes");
        return new Fixtures(m);
    }

    Tensor tensor(String name) {
        Object o = entries.get(name);
        if (!(o instanceof Tensor t)) throw new IllegalArgumentException("fixture has no float tensor " + name);
        return t.copy();
    }

    int[] ints(String name) {
        Object o = entries.get(name);
        if (!(o instanceof int[] a)) throw new IllegalArgumentException("fixture has no int tensor " + name);
        return a.clone();
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }
}
