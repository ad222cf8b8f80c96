package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Storage-format conversions against bit patterns from PyTorch (bf16), numpy (f16) and a numpy
 * transcription of ggml's Q8_0 quantizer (tools/tensor_fixtures.py). NaN payloads differ between
 * implementations, so for NaN inputs only NaN-ness and the sign-independent class are checked.
 */
class ConversionFixtureTest {

    private static List<String> lines(String name) throws IOException {
        var in = ConversionFixtureTest.class.getResourceAsStream("/fixtures/" + name);
        assertNotNull(in, "missing fixture " + name + " (run /usr/bin/python3 tools/tensor_fixtures.py)");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) if (!l.startsWith("#") && !l.isBlank()) out.add(l.trim());
        }
        return out;
    }

    @Test
    void bf16AndF16RoundToNearestEvenLikeTorchAndNumpy() throws IOException {
        List<String> rows = lines("conversions.txt");
        assertTrue(rows.size() > 400);
        for (String row : rows) {
            String[] p = row.split(" ");
            float f = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
            short bf = (short) Integer.parseInt(p[1], 16), h = (short) Integer.parseInt(p[2], 16);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Numerics.bf16ToFloat(Numerics.floatToBf16(f))), row);
                assertTrue(Float.isNaN(Numerics.f16ToFloat(Numerics.floatToF16(f))), row);
                continue;
            }
            assertEquals(bf, Numerics.floatToBf16(f), "bf16 of " + p[0]);
            assertEquals(h, Numerics.floatToF16(f), "f16 of " + p[0]);
        }
    }

    @Test
    void storedWeightsDecodeToTheFixtureValuesThroughScalarAndVectorPaths() throws IOException {
        List<String> rows = lines("conversions.txt");
        int n = rows.size() / 32 * 32;
        Tensor t = Tensor.zeros(n / 32, 32);
        for (int i = 0; i < n; i++) {
            float f = Float.intBitsToFloat(Integer.parseUnsignedInt(rows.get(i).split(" ")[0], 16));
            t.data()[i] = Float.isNaN(f) ? 0f : f;
        }
        for (DType dt : new DType[]{DType.BF16, DType.F16}) {
            WeightMatrix w = WeightMatrix.convert(t, dt);
            Tensor viaVector = Tensor.zeros(n / 32, 32);
            int[] ids = new int[n / 32];
            for (int i = 0; i < ids.length; i++) ids[i] = i;
            TestData.SIMD.embedding(w, ids, viaVector);
            for (int i = 0; i < n; i++) {
                String[] p = rows.get(i).split(" ");
                if (Float.isNaN(Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16)))) continue;
                short bits = (short) Integer.parseInt(dt == DType.BF16 ? p[1] : p[2], 16);
                float expect = dt == DType.BF16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : Float.float16ToFloat(bits);
                assertEquals(expect, viaVector.data()[i], dt + " decode of " + p[0]);
            }
        }
    }

    @Test
    void q8BlocksMatchGgmlReferenceBytes() throws IOException {
        HexFormat hex = HexFormat.of();
        for (String row : lines("q8_0.txt")) {
            String[] parts = row.split("\\|");
            String[] in = parts[0].trim().split(" ");
            byte[] expect = hex.parseHex(parts[1].trim());
            Tensor t = Tensor.zeros(1, 32);
            for (int i = 0; i < 32; i++) t.data()[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(in[i], 16));
            Q8Weights q = Q8Weights.quantize(t);
            byte[] got = q.segment().toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expect, got, "Q8_0 block of " + parts[0].trim());
            // decode: d * q, through the scalar and the vector path
            Tensor viaVector = Tensor.zeros(1, 32);
            TestData.SIMD.embedding(q, new int[]{0}, viaVector);
            float d = Float.float16ToFloat((short) ((expect[0] & 0xff) | (expect[1] << 8)));
            for (int i = 0; i < 32; i++) assertEquals(d * expect[2 + i], viaVector.data()[i], "dequantized " + i);
        }
    }
}
