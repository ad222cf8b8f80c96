package dev.calx.tensor;

/**
 * Bit-exact conversions between fp32 and the storage formats, all round-to-nearest-even
 * (the rounding PyTorch, safetensors writers and GGML use).
 */
public final class Numerics {
    private Numerics() {}

    /**
     * fp32 to bfloat16 bits, round to nearest even; NaN stays a quiet NaN.
     * Values that round past bf16's largest finite value become infinities.
     *
     * @param f the value
     * @return the bf16 bit pattern (the top 16 bits of the rounded fp32)
     */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /**
     * bfloat16 bits to fp32; exact (every bf16 value is an fp32 value).
     *
     * @param h the bf16 bit pattern
     * @return the value
     */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /**
     * fp32 to IEEE half bits, round to nearest even (java.lang.Float does it exactly).
     * Overflow gives an infinity; small values become fp16 subnormals or zero.
     *
     * @param f the value
     * @return the binary16 bit pattern
     */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    /**
     * IEEE half bits to fp32; exact, subnormals included.
     *
     * @param h the binary16 bit pattern
     * @return the value
     */
    public static float f16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }
}
