package dev.calx.decode.grade;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the final answer out of a model's solution text, in the papers' order: the last
 * balanced {@code \boxed{...}} (or {@code \fbox}), then "The answer is ...", then the last
 * {@code ```output} block, then GSM8K's final-answer line ({@code #### 42}), then the last
 * number. Also reads GSM8K references ({@link #gsm8kReference}).
 *
 * <p>A last output block that shows a failed program (a Python error line such as
 * {@code NameError: name 'x' is not defined}, a traceback, or {@code Timeout Error}, the texts
 * the tool loop feeds back) means there is no answer: the solution's last program did not run,
 * so neither its error text nor a number from the code before it is taken ({@link Source#NONE}).
 * Boxed and "The answer is" answers still come first, so a model that states an answer after a
 * failed program keeps it.
 *
 * <p>MathCoder transcripts ({@code <|execution|>OUTPUT<|endofblock|>} blocks) follow the same
 * rule for a failed last program. A last execution block that ran is not taken as the answer
 * (MathCoder's text blocks state it), so after boxed and "The answer is" come the {@code ####}
 * line and the last number.
 *
 * <p>The {@code ####} line is the last line that starts with {@code ####} and a bare answer
 * (no English words, so not a Markdown heading), as GSM8K's solutions end and models fine-tuned
 * on them answer. It comes before the last number so that a model that goes on after its
 * answer (a new "Question: ..." with numbers of its own) is graded on the answer it marked, and
 * before an earlier "The answer is" (GSM8K solutions say {@code the answer is <<5=5>>5.} on the
 * way to their {@code #### 5}).
 */
public final class AnswerExtractor {
    private static final Pattern ANSWER_IS = Pattern.compile("(?i)the (?:final )?answer is[:\\s]*");
    private static final Pattern NUMBER = Pattern.compile("-?(?:\\d[\\d,]*(?:\\.\\d+)?|\\.\\d+)");
    private static final String OUTPUT_FENCE = "```output";
    /** A line that starts with GSM8K's final-answer marker and has text after it. */
    private static final Pattern HASH_LINE = Pattern.compile("(?m)^[ \\t]*####[ \\t]*(\\S[^\\n]*)$");
    /** MathCoder's execution block, {@code <|execution|>OUTPUT<|endofblock|>}. */
    private static final String EXECUTION = "<|execution|>", END_BLOCK = "<|endofblock|>";
    /** The last line of a Python error as the tool loop shows it, a traceback's start, or the timeout text. */
    private static final Pattern ERROR_OUTPUT = Pattern.compile(
            "(?s)(?:Traceback \\(most recent call last\\):.*"
                    + "|(?:.*\\n)?[A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|Exit|Interrupt)(?::[^\\n]*)?"
                    + "|Timeout Error)");

    private AnswerExtractor() {}

    /** Where an answer came from; AS_IS: the text was a bare answer; NONE: nothing could be extracted. */
    public enum Source {
        /** The contents of the last {@code \boxed{}} or {@code \fbox{}}. */
        BOXED,
        /**
         * The rest of the line after the last "The answer is" (or "The final answer is"): its
         * first {@code $...$} span if any, and its first number when it still has words.
         */
        ANSWER_IS,
        /** The last {@code ```output} block, or a program's last printed line (pot); see {@link AnswerExtractor#printedAnswer}. */
        OUTPUT_BLOCK,
        /** The bare answer on the last line that starts with GSM8K's marker {@code ####} ({@link AnswerExtractor#hashLine}). */
        HASH_LINE,
        /** The last number in the text. */
        LAST_NUMBER,
        /** The prediction was itself a bare answer ({@link #extractPrediction}). */
        AS_IS,
        /** Nothing could be extracted; the answer is empty. */
        NONE
    }

    /**
     * An extracted answer and how it was found.
     *
     * @param answer the answer text, stripped; empty when {@code source} is NONE
     * @param source how it was found
     */
    public record Extraction(String answer, Source source) {
        /** {@return whether an answer was found ({@code source} is not NONE)} */
        public boolean found() {
            return source != Source.NONE;
        }
    }

    /**
     * The answer of a solution text; empty answer with Source.NONE when there is none.
     *
     * @param text the model's solution (the transcript after the prompt); may be null
     * @return the answer found by the first rule that applies, in the order of the class comment
     */
    public static Extraction extract(String text) {
        if (text == null) return new Extraction("", Source.NONE);
        String boxed = lastBoxed(text);
        if (boxed != null) return new Extraction(boxed.strip(), Source.BOXED);
        Matcher m = ANSWER_IS.matcher(text);
        int at = -1;
        while (m.find()) at = m.end();
        int markedAt = hashLineStart(text);
        if (markedAt > at && at >= 0) {
            // a GSM8K solution that says "the answer is" on the way and ends with its #### line
            return new Extraction(hashLine(text), Source.HASH_LINE);
        }
        if (at >= 0) {
            String rest = text.substring(at);
            int nl = rest.indexOf('\n');
            if (nl >= 0) rest = rest.substring(0, nl);
            rest = answerIsRest(rest);
            if (!rest.isEmpty()) return new Extraction(rest, Source.ANSWER_IS);
        }
        int fence = text.lastIndexOf(OUTPUT_FENCE), execution = text.lastIndexOf(EXECUTION);
        if (execution > fence) {
            // MathCoder: its text blocks state the answer, so a program's output is not taken as
            // one; but a last program that failed means there is none, as for ToRA below
            String out = blockAt(text, execution + EXECUTION.length(), END_BLOCK);
            if (isErrorOutput(out)) return new Extraction("", Source.NONE);
            String marked = hashLine(text);
            if (marked != null) return new Extraction(marked, Source.HASH_LINE);
            String number = lastNumber(text);
            return number != null ? new Extraction(number, Source.LAST_NUMBER) : new Extraction("", Source.NONE);
        }
        String output = lastOutputBlock(text);
        if (output != null && !output.isBlank()) {
            if (isErrorOutput(output)) return new Extraction("", Source.NONE);
            return new Extraction(printedAnswer(output), Source.OUTPUT_BLOCK);
        }
        String marked = hashLine(text);
        if (marked != null) return new Extraction(marked, Source.HASH_LINE);
        String number = lastNumber(text);
        if (number != null) return new Extraction(number, Source.LAST_NUMBER);
        return new Extraction("", Source.NONE);
    }

    /**
     * The answer in a program's printed output: the output itself (stripped) when it is a bare
     * answer ({@code 5}, {@code sqrt(2)/2}, {@code [1, 2]}); when it has English words, the answer
     * in it by the rules for text ("The answer is", the {@code ####} line, the last number:
     * {@code The answer is 5} and {@code Total: 5 apples} give {@code 5}); else the output as
     * printed ({@code True}).
     *
     * @param printed what a program printed; not null
     * @return the answer, stripped
     */
    public static String printedAnswer(String printed) {
        String p = printed.strip();
        if (!hasWords(p)) return p;
        Matcher m = ANSWER_IS.matcher(p);
        int at = -1;
        while (m.find()) at = m.end();
        if (at >= 0) {
            String rest = p.substring(at);
            int nl = rest.indexOf('\n');
            String answer = answerIsRest(nl >= 0 ? rest.substring(0, nl) : rest);
            if (!answer.isEmpty()) return answer;
        }
        String marked = hashLine(p);
        if (marked != null) return marked;
        String number = lastNumber(p);
        return number != null ? number : p;
    }

    /** A {@code $...$} span (not an escaped {@code \$}) with something in it. */
    private static final Pattern MATH_SPAN = Pattern.compile("(?<!\\\\)\\$([^$]*[^$\\s][^$]*)(?<!\\\\)\\$");

    /**
     * The answer in the rest of a line after "The answer is": the first {@code $...$} span if
     * there is one (Minerva's "The final answer is $5$. I hope it is correct."), without
     * Markdown bold and a trailing period. When that still has English words, what comes before
     * the first word if it has a digit ("42 apples", "\frac{1}{2} cup"), else the first number
     * ("therefore 3", as MAmmoTH reads numeric answers), else the text as it is ("Evelyn").
     */
    private static String answerIsRest(String rest) {
        Matcher span = MATH_SPAN.matcher(rest);
        if (span.find()) rest = span.group(1);
        rest = rest.replace("**", "").strip();
        while (rest.endsWith(".") || rest.endsWith("$")) rest = rest.substring(0, rest.length() - 1).strip();
        if (rest.startsWith("$")) rest = rest.substring(1).strip();
        int word = firstWordAt(rest);
        if (word < 0) return rest;
        String before = rest.substring(0, word).strip();
        while (!before.isEmpty() && ",;:=".indexOf(before.charAt(before.length() - 1)) >= 0) {
            before = before.substring(0, before.length() - 1).strip();
        }
        if (NUMBER.matcher(before).matches()) return before.replace(",", "");
        if (before.chars().anyMatch(Character::isDigit)) return before;
        Matcher n = NUMBER.matcher(rest);
        if (n.find()) {
            String first = n.group().replace(",", "");
            if (!first.isEmpty() && !first.equals("-")) return first;
        }
        return rest;
    }

    private static final Pattern TEXT_GROUP = Pattern.compile("\\\\(?:text|mbox|textbf|mathrm)\\{[^{}]*\\}");
    private static final Pattern WORD = Pattern.compile("(?<![\\\\A-Za-z])[A-Za-z]{3,}");
    private static final java.util.Set<String> MATH_WORDS = java.util.Set.of("sin", "cos", "tan", "cot", "sec", "csc", "log",
            "exp", "sqrt", "arcsin", "arccos", "arctan", "pi", "infty", "frac",
            // SymPy's sets and matrices as a program prints them: Union(Interval.open(-oo, 2), Interval(3, oo)), Matrix([[1], [2]])
            "interval", "union", "open", "lopen", "ropen", "matrix",
            // Python's float("inf") printed
            "inf",
            // Python's and SymPy's spellings of arc functions and |x|: atan(2), Abs(x - 1)
            "asin", "acos", "atan", "abs",
            // floor and ceiling as Python and SymPy spell them: math.floor(x), floor(x), ceiling(x)
            "floor", "ceil", "ceiling");

    /**
     * The answer of a prediction that may be a bare answer or a whole solution (as {@code calx
     * grade} reads prediction files): a bare answer ("\frac{1}{2}", "(1, 2)", "x = 3",
     * "\text{(C)}": one line, no \boxed, no {@code ####} in front, no English word outside
     * \text{}) is taken as it is ({@link Source#AS_IS}); anything else goes through {@link #extract}.
     *
     * @param prediction a bare answer or a solution text; may be null
     * @return the answer; empty with {@link Source#NONE} for null or when nothing is found
     */
    public static Extraction extractPrediction(String prediction) {
        if (prediction == null) return new Extraction("", Source.NONE);
        String p = prediction.strip();
        if (!p.isEmpty() && !p.contains("\n") && !p.contains("\\boxed") && !p.contains("\\fbox") && !p.startsWith("####")) {
            if (!hasWords(p)) return new Extraction(p, Source.AS_IS);
        }
        return extract(prediction);
    }

    /** Whether s has an English word (three letters or more) outside \text{} that is not a math word (sin, frac, ...). */
    private static boolean hasWords(String s) {
        return firstWordAt(s) >= 0;
    }

    /** Where the first word of {@link #hasWords} starts in s; -1 when there is none. */
    private static int firstWordAt(String s) {
        Matcher text = TEXT_GROUP.matcher(s);
        java.util.List<int[]> groups = new java.util.ArrayList<>();
        while (text.find()) groups.add(new int[] {text.start(), text.end()});
        Matcher m = WORD.matcher(s);
        outer:
        while (m.find()) {
            for (int[] g : groups) if (m.start() >= g[0] && m.start() < g[1]) continue outer;
            if (!MATH_WORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) return m.start();
        }
        return -1;
    }

    /**
     * The contents of the last {@code \boxed{...}} or {@code \fbox{...}} with balanced braces,
     * or of {@code \boxed 5} (up to the next '$' or end); null when there is none or it is unclosed.
     *
     * @param text LaTeX text; not null
     * @return the box's contents (braced contents are not stripped), or null
     */
    public static String lastBoxed(String text) {
        int i = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
        if (i < 0) return null;
        int j = i + (text.startsWith("\\boxed", i) ? 6 : 5);
        if (j < text.length() && text.charAt(j) == ' ') {
            int end = text.indexOf('$', j);
            String s = (end < 0 ? text.substring(j) : text.substring(j, end)).strip();
            return s.isEmpty() ? null : s;
        }
        if (j >= text.length() || text.charAt(j) != '{') return null;
        int depth = 0;
        for (int k = j; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\\' && k + 1 < text.length()) {
                k++; // escaped brace \{ \} does not count
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return text.substring(j + 1, k);
        }
        return null;
    }

    /**
     * The text of the last {@code ```output ... ```} block (a block still open runs to the end).
     *
     * @param text a transcript; not null
     * @return the block's contents after the opener's newline, or null when there is no block
     */
    public static String lastOutputBlock(String text) {
        int i = text.lastIndexOf(OUTPUT_FENCE);
        if (i < 0) return null;
        int start = i + OUTPUT_FENCE.length();
        if (start < text.length() && text.charAt(start) == '\n') start++;
        return blockAt(text, start, "```");
    }

    /** The text from start to the closing marker, or to the end when the block is still open. */
    private static String blockAt(String text, int start, String close) {
        int end = text.indexOf(close, start);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    /**
     * Whether an output block's text is a failed program's: its last line is a Python exception
     * ({@code ZeroDivisionError: division by zero}, {@code KeyboardInterrupt}), it is a
     * traceback, or it is {@code Timeout Error}.
     *
     * @param output an output block's contents; not null
     * @return true for an error text
     */
    public static boolean isErrorOutput(String output) {
        return ERROR_OUTPUT.matcher(output.strip()).matches();
    }

    /**
     * The last number in the text, commas removed; null when there is none.
     *
     * @param text any text; not null
     * @return the number as written ({@code "-1234.5"}, {@code ".5"}), or null
     */
    public static String lastNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        String last = null;
        while (m.find()) last = m.group();
        if (last == null) return null;
        last = last.replace(",", "");
        return last.isEmpty() || last.equals("-") ? null : last;
    }

    /**
     * The answer on the last line that starts with {@code ####} (after spaces) followed by a bare
     * answer: stripped, commas removed, without a trailing period; null when there is none. A
     * bare answer has no English word outside \text{}, so a Markdown heading such as
     * {@code #### Step 2: the total} is not one.
     *
     * @param text any text; not null
     * @return the marked answer, or null
     */
    public static String hashLine(String text) {
        Matcher m = HASH_LINE.matcher(text);
        String last = null;
        while (m.find()) {
            String rest = hashAnswer(m.group(1));
            if (rest != null) last = rest;
        }
        return last;
    }

    /** Where the line of {@link #hashLine}'s answer starts; -1 when there is none. */
    private static int hashLineStart(String text) {
        Matcher m = HASH_LINE.matcher(text);
        int last = -1;
        while (m.find()) if (hashAnswer(m.group(1)) != null) last = m.start();
        return last;
    }

    private static String hashAnswer(String rest) {
        rest = rest.strip().replace(",", "");
        while (rest.endsWith(".")) rest = rest.substring(0, rest.length() - 1).strip();
        return rest.isEmpty() || hasWords(rest) ? null : rest;
    }

    /**
     * The GSM8K reference: the text after the last "#### ", commas removed.
     *
     * @param answer a GSM8K {@code answer} field (reasoning, then {@code #### 18}); not null
     * @return the final answer, stripped, or null when there is no {@code ####}
     */
    public static String gsm8kReference(String answer) {
        int i = answer.lastIndexOf("####");
        if (i < 0) return null;
        return answer.substring(i + 4).strip().replace(",", "");
    }
}
