package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane sums and exp whose bits do not depend on the JIT tier. {@code FloatVector.reduceLanes(ADD)}
 * and {@code lanewise(EXP)} give different results in the interpreter / C1 (the Java fallback:
 * lanes in order, {@code Math.exp}) and in C2 (an intrinsic with its own order, a vector exp
 * stub): measured on JDK 25 / AVX-512, the same call changes its last bits once the code is
 * C2-compiled. A computation then depends on how warm the JVM is, so a training run resumed in
 * a fresh JVM drifts from the run that never stopped. These helpers use only lane-wise add, mul,
 * fma, compare, blend and rearrange, which IEEE 754 and the Vector API define exactly in every
 * tier; the scalar {@link #exp(float)} repeats the vector operations lane for lane, so an element
 * gets the same bits in a vector body and in a scalar tail.
 */
public final class VectorMath {
    /** The species every helper here works on (the preferred one, as in {@link SimdInfo#F}). */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Shuffles that bring lane i + L/2, i + L/4, ..., i + 1 to lane i (the folding tree of {@link #sum}). */
    private static final VectorShuffle<Float>[] FOLD = folds();

    private VectorMath() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        if (Integer.bitCount(L) != 1) throw new IllegalStateException("VectorMath: " + L + " float lanes is not a power of two");
        VectorShuffle<Float>[] s = new VectorShuffle[steps];
        for (int k = 0, d = L / 2; d >= 1; k++, d /= 2) s[k] = VectorShuffle.iota(F, d, 1, true);
        return s;
    }

    /**
     * Sum of the lanes of v (species {@link #F}) in a fixed pairwise order: lane i + L/2 added to
     * lane i, then i + L/4, ..., then lane 1 to lane 0.
     *
     * @param v the vector, of species {@link #F}
     * @return the sum, the same bits in every JIT tier
     */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> s : FOLD) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    // exp: Cephes expf (range reduction by ln 2 in two parts, degree-5 polynomial), with fma.
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: x + MAGIC rounds x to an integer held in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** ln(2^127) and ln(2^-126): the range where 2^n is a normal float; beyond it +inf and 0. */
    static final float HI = 88.02969193f, LO = -87.33654475f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /**
     * e^x lane-wise, within 2 ulp of {@code Math.exp} for x in [-87.33, 88.02]; +inf above
     * (the true value is finite up to 88.72), 0 below (no subnormal results), NaN stays NaN.
     *
     * @param x the exponents, of species {@link #F}
     * @return e^x in each lane
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LO).min(HI);
        FloatVector t = xc.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, P0).fma(r, FloatVector.broadcast(F, P1));
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector e = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        y = y.mul(e.reinterpretAsFloats());
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HI));
        y = y.blend(0f, x.compare(VectorOperators.LT, LO));
        return y.blend(x, x.compare(VectorOperators.NE, x));
    }

    /**
     * The same operations as {@link #exp(FloatVector)} on one float: the same bits as a lane.
     *
     * @param x the exponent
     * @return e^x, bit-identical to the vector version's lane for the same input
     */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, LO), HI);
        float t = Math.fma(xc, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        y *= Float.intBitsToFloat((Float.floatToRawIntBits(t) - (MAGIC_BITS - 127)) << 23);
        if (x > HI) y = Float.POSITIVE_INFINITY;
        if (x < LO) y = 0f;
        return x != x ? x : y;
    }
}
