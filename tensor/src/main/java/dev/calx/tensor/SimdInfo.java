package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** What the Vector API offers on this CPU: the preferred float species and its lane count. */
public final class SimdInfo {
    /** The preferred float species: the widest vector shape the JIT compiles well on this CPU. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private SimdInfo() {}

    /** {@return floats per vector of {@link #F} (16 with AVX-512, 8 with AVX2, 4 with 128-bit SIMD)} */
    public static int floatLanes() {
        return F.length();
    }

    /**
     * A name for the vector width, guessed from its size alone (a 256-bit non-x86 CPU also
     * reads "AVX2").
     *
     * @return "AVX-512", "AVX2", "128-bit SIMD" or "N-bit SIMD"
     */
    public static String isaName() {
        return switch (F.vectorBitSize()) {
            case 512 -> "AVX-512";
            case 256 -> "AVX2";
            case 128 -> "128-bit SIMD";
            default -> F.vectorBitSize() + "-bit SIMD";
        };
    }

    /** {@return {@code "(ISA, N float lanes)"}, for backend descriptions} */
    public static String describe() {
        return "(" + isaName() + ", " + floatLanes() + " float lanes)";
    }
}
