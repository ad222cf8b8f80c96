package dev.calx.decode.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calx.decode.grade.AnswerExtractor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a reference as datasets store it into the answer to grade against: a GSM8K answer
 * ("... #### 18"), a MATH solution (its last \boxed{}), an ASDiv answer with units ("9 (apples)"),
 * a number, or a final answer as is.
 */
public final class References {
    /**
     * ASDiv's "9 (apples)": a number, then one parenthesized unit with no operator in it, which is
     * a word (two letters or more) or follows a space ("2 (m)"). Not MATH's "7(x+3)(x-3)" or
     * "3(x)", which it took for "7" and "3" until session 22.
     */
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile(
            "^(-?[\\d,]*\\.?\\d+)(?:\\s*\\((?=[^()]*[A-Za-z]{2})|\\s+\\()[^()+\\-*=]*\\)$");

    private References() {}

    /**
     * The answer in a stored reference: the text after the last {@code ####}, the contents of the
     * last {@code \boxed{}}, the number of "number (unit)", or the stripped text as it is.
     *
     * @param reference the reference as the data set stores it; may be null
     * @return the answer to grade against; empty for null
     */
    public static String answerOf(String reference) {
        if (reference == null) return "";
        String r = reference.strip();
        if (r.contains("####")) return AnswerExtractor.gsm8kReference(r);
        if (r.contains("\\boxed") || r.contains("\\fbox")) {
            String b = AnswerExtractor.lastBoxed(r);
            if (b != null) return b.strip();
        }
        Matcher m = NUMBER_WITH_UNIT.matcher(r);
        if (m.matches()) return m.group(1);
        return r;
    }

    /**
     * Why a stored reference gives no answer to grade against, or null when it gives one. Every
     * prediction would be graded against an empty or wrong reference otherwise: an empty text, a
     * GSM8K {@code ####} with nothing after it, or a last {@code \boxed} whose braces never close
     * ({@link #answerOf} would take the whole solution as the answer).
     *
     * @param reference the reference as the data set stores it; not null
     * @return what is wrong ("is empty", ...), to follow the field's name in an error; null when
     *         {@link #answerOf} gives a usable answer
     */
    public static String problemWith(String reference) {
        String r = reference.strip();
        if (r.isEmpty()) return "is empty";
        if (r.contains("####")) {
            return AnswerExtractor.gsm8kReference(r).isEmpty() ? "has nothing after its last ####" : null;
        }
        if ((r.contains("\\boxed") || r.contains("\\fbox")) && AnswerExtractor.lastBoxed(r) == null) {
            return "has a last \\boxed or \\fbox without an answer in balanced braces";
        }
        if (answerOf(r).isEmpty()) return "has an empty answer";
        return null;
    }

    /**
     * A JSON number as a reference's text, written out in full: {@code 3.0} is "3", {@code 2.5}
     * "2.5", {@code 1.5e20} "150000000000000000000" (not a long's 9223372036854775807, nor
     * "1.5E20", which the grader would not read as a number).
     *
     * @param number a numeric JSON node
     * @return its value in plain decimal notation, trailing zeros dropped
     */
    public static String numberText(JsonNode number) {
        if (number.isIntegralNumber()) return number.bigIntegerValue().toString();
        java.math.BigDecimal d = number.decimalValue().stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
