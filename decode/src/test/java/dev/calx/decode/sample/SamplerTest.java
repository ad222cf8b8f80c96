package dev.calx.decode.sample;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final float[] LOGITS = {1f, 3f, 2f, 0f, 2.5f};

    @Test
    void greedyTakesTheArgmaxAndTheLowestIndexOnTies() {
        Sampler s = new Sampler(SamplerConfig.greedy());
        assertEquals(1, s.sample(LOGITS));
        assertEquals(0, s.sample(new float[] {5f, 5f, 1f}));
    }

    @Test
    void sameSeedGivesTheSameTokensAndAnotherSeedDiffers() {
        int[] a = draw(new Sampler(new SamplerConfig(1.5f, 0, 1f, 42)), 200);
        int[] b = draw(new Sampler(new SamplerConfig(1.5f, 0, 1f, 42)), 200);
        int[] c = draw(new Sampler(new SamplerConfig(1.5f, 0, 1f, 43)), 200);
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void temperatureSamplingMatchesTheSoftmaxFrequencies() {
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 1f, 7));
        int n = 200_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) counts[s.sample(LOGITS)]++;
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l);
        for (int i = 0; i < LOGITS.length; i++) {
            double expected = Math.exp(LOGITS[i]) / z;
            assertEquals(expected, counts[i] / (double) n, 0.005, "token " + i);
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikelyTokens() {
        Sampler s = new Sampler(new SamplerConfig(5f, 2, 1f, 1));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) seen.add(s.sample(LOGITS));
        assertEquals(Set.of(1, 4), seen);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // softmax(1,3,2,0,2.5): p1=.463 p4=.281 p2=.170 p0=.063 p3=.023; p1+p4 < 0.8 <= p1+p4+p2
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 0.8f, 3));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) seen.add(s.sample(LOGITS));
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l);
        double p1 = Math.exp(3) / z, p4 = Math.exp(2.5) / z;
        assertTrue(p1 + p4 < 0.8, "test premise");
        assertEquals(Set.of(1, 4, 2), seen);
    }

    @Test
    void drawWithAGivenUniformPicksByCumulativeMass() {
        Sampler s = new Sampler(new SamplerConfig(1f, 1, 1f, 0));
        assertEquals(1, s.sample(LOGITS, 0.999));
        Sampler all = new Sampler(new SamplerConfig(1f, 0, 1f, 0));
        assertEquals(0, all.sample(new float[] {0f, 0f}, 0.49));
        assertEquals(1, all.sample(new float[] {0f, 0f}, 0.51));
    }

    @Test
    void badConfigIsRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(-1f, 0, 1f, 0));
        assertTrue(e.getMessage().contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1f, 0, 0f, 0));
    }

    private static int[] draw(Sampler s, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = s.sample(LOGITS);
        return out;
    }
}
