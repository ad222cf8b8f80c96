package dev.calx.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** DecodeGemvShareCheck really decodes and runs the step's products in turns, and summarizes their ratio. */
class DecodeGemvShareCheckTest {
    @Test
    void decodeAndProductsTakeTurnsAndTheSummaryHasTheirRatio() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            DecodeGemvShareCheck.main(new String[]{"--shape", "calx-default", "--dtype", "Q8_0", "--rounds", "3",
                    "--seconds", "0.1", "--warmup", "0.1"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        Matcher round = Pattern.compile("(?m)^\\s+\\d+\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d{3})$").matcher(out);
        int rounds = 0;
        while (round.find()) {
            rounds++;
            double dec = Double.parseDouble(round.group(1)), products = Double.parseDouble(round.group(2));
            assertTrue(dec > 0 && products > 0, out);
            assertEquals(dec / products, Double.parseDouble(round.group(3)), 0.002 + 0.001 * dec / products, out);
        }
        assertEquals(3, rounds, out);
        Matcher summary = Pattern.compile("decode/products: median (\\d+\\.\\d{3}), quartiles (\\d+\\.\\d{3})-(\\d+\\.\\d{3}), over 3 rounds").matcher(out);
        assertTrue(summary.find(), out);
        double median = Double.parseDouble(summary.group(1));
        assertTrue(Double.parseDouble(summary.group(2)) <= median && median <= Double.parseDouble(summary.group(3)), out);
        assertThrows(IllegalArgumentException.class, () -> DecodeGemvShareCheck.main(new String[]{"--rounds", "0"}));
    }
}
