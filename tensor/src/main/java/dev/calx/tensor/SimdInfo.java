package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** What the Vector API offers on this CPU: the preferred float species and its lane count. */
public final class SimdInfo {
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private SimdInfo() {}

    public static int floatLanes() {
        return F.length();
    }

    public static String isaName() {
        return switch (F.vectorBitSize()) {
            case 512 -> "AVX-512";
            case 256 -> "AVX2";
            case 128 -> "128-bit SIMD";
            default -> F.vectorBitSize() + "-bit SIMD";
        };
    }

    public static String describe() {
        return "(" + isaName() + ", " + floatLanes() + " float lanes)";
    }
}
