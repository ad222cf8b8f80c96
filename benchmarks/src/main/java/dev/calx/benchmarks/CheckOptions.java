package dev.calx.benchmarks;

/** Option values for the hand-run checks ({@link DecodeBoundCheck}, {@link StreamCheck}): errors name the check, the option and the value. */
final class CheckOptions {
    private CheckOptions() {}

    /** The value after option, or an error when the command line ends there. */
    static String need(String who, String option, String value) {
        if (value == null) throw new IllegalArgumentException(who + ": " + option + " needs a value");
        return value;
    }

    /** An integer option's value (null when the command line ended), or an error that names the option and the value. */
    static int intOption(String who, String option, String value) {
        need(who, option, value);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(who + ": " + option + " '" + value + "' is not an integer");
        }
    }

    /** A slice length in seconds (a positive number; null when the command line ended), or an error that names the option and the value. */
    static double secondsOption(String who, String option, String value) {
        need(who, option, value);
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(who + ": " + option + " '" + value + "' is not a number");
        }
        if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException(who + ": " + option + " " + value + " must be a positive number of seconds");
        return s;
    }
}
