package dev.calx.tensor;

/**
 * Bit-exact conversions between fp32 and the storage formats, all round-to-nearest-even
 * (the rounding PyTorch, safetensors writers and GGML use).
 */
public final class Numerics {
    private Numerics() {}

    /** fp32 to bfloat16 bits, round to nearest even; NaN stays a quiet NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /** fp32 to IEEE half bits, round to nearest even (java.lang.Float does it exactly). */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    public static float f16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }
}
