package dev.calx.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** DecodeABCheck really starts its two child JVMs, takes turns and summarizes; its options fail clearly. */
class DecodeABCheckTest {
    @Test
    void twoChildJvmsTakeTurnsAndTheSummaryHasTheRatio() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            DecodeABCheck.main(new String[]{"--a", "", "--b", "-Dcalx.gemv.steal=false", "--shape", "calx-default",
                    "--dtype", "Q8_0", "--rounds", "3", "--seconds", "0.2", "--warmup", "0.2", "--heap", "1g"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("B: -Dcalx.gemv.steal=false"), out);
        Matcher round = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d{3})$").matcher(out);
        int rounds = 0;
        while (round.find()) {
            rounds++;
            double a = Double.parseDouble(round.group(2)), b = Double.parseDouble(round.group(3));
            assertTrue(a > 0 && b > 0, out);
            assertEquals(b / a, Double.parseDouble(round.group(4)), 0.002 + 0.001 * b / a, out);
        }
        assertEquals(3, rounds, out);
        Matcher summary = Pattern.compile("B/A: median (\\d+\\.\\d{3}), quartiles (\\d+\\.\\d{3})-(\\d+\\.\\d{3}), over 3 rounds").matcher(out);
        assertTrue(summary.find(), out);
        double median = Double.parseDouble(summary.group(1));
        assertTrue(Double.parseDouble(summary.group(2)) <= median && median <= Double.parseDouble(summary.group(3)), out);
    }

    @Test
    void optionsAreCheckedBeforeAnyChildStarts() {
        assertEquals("DecodeABCheck: give both --a and --b (JVM options; \"\" for none)",
                assertThrows(IllegalArgumentException.class, () -> DecodeABCheck.main(new String[]{"--a", ""})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DecodeABCheck.main(new String[]{"--a", "", "--b", "", "--frobnicate", "1"})).getMessage()
                .startsWith("DecodeABCheck: unknown option --frobnicate"));
        assertThrows(IllegalArgumentException.class,
                () -> DecodeABCheck.main(new String[]{"--a", "", "--b", "", "--shape", "nope"}));
    }

    @Test
    void quantilesInterpolateBetweenNeighbours() {
        double[] s = {1, 2, 3, 4, 5};
        assertEquals(2, DecodeABCheck.quantile(s, 0.25), 1e-12);
        assertEquals(3, DecodeABCheck.quantile(s, 0.5), 1e-12);
        assertEquals(1.5, DecodeABCheck.quantile(new double[]{1, 2, 3}, 0.25), 1e-12);
        assertEquals(7, DecodeABCheck.quantile(new double[]{7}, 0.75), 1e-12);
    }
}
