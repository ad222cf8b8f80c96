package dev.calx.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The option parsing of DecodeBoundCheck and StreamCheck: values, and errors that name the check, option and value. */
class CheckOptionsTest {
    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void parsesValuesAndNamesWhatIsWrong() {
        assertEquals("x", CheckOptions.need("C", "--shape", "x"));
        assertEquals(7, CheckOptions.intOption("C", "--rounds", "7"));
        assertEquals(0.5, CheckOptions.secondsOption("C", "--seconds", "0.5"));
        assertEquals("C: --shape needs a value", error(() -> CheckOptions.need("C", "--shape", null)));
        assertEquals("C: --rounds 'x' is not an integer", error(() -> CheckOptions.intOption("C", "--rounds", "x")));
        assertEquals("C: --rounds needs a value", error(() -> CheckOptions.intOption("C", "--rounds", null)));
        assertEquals("C: --seconds 'a' is not a number", error(() -> CheckOptions.secondsOption("C", "--seconds", "a")));
        for (String bad : new String[] {"0", "-1", "NaN", "Infinity"}) {
            assertEquals("C: --seconds " + bad + " must be a positive number of seconds",
                    error(() -> CheckOptions.secondsOption("C", "--seconds", bad)));
        }
    }
}
