package dev.calx.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tokenized training set with the counts a user must see: samples read, truncated by the
 * length limit, fully masked (no trained token: skipped), tokens and trained tokens. Loading
 * stops when the bad samples (truncated, fully masked or both, each counted once) exceed
 * {@code maxBadFraction} of the file.
 *
 * @param samples the samples kept, in file order (truncated ones included, fully masked ones not)
 * @param stats   the counts
 */
public record Dataset(List<Sample> samples, Stats stats) {
    /**
     * The counts of one load; {@link #toString()} is the line the trainer prints.
     *
     * @param read          examples in the input
     * @param truncated     samples cut by the length limit (kept when they still train a token;
     *                      one cut inside its prompt is also counted in {@code fullyMasked})
     * @param fullyMasked   samples with no trained token, skipped
     * @param tokens        tokens of the kept samples
     * @param trainedTokens trained tokens of the kept samples
     */
    public record Stats(int read, int truncated, int fullyMasked, long tokens, long trainedTokens) {
        @Override
        public String toString() {
            return read + " samples, " + truncated + " truncated, " + fullyMasked + " fully masked (skipped), "
                    + tokens + " tokens, " + trainedTokens + " trained";
        }
    }

    /**
     * Reads, renders and tokenizes a JSONL file.
     *
     * @param file           the data file (UTF-8 JSON Lines)
     * @param format         how its rows are read and rendered
     * @param tok            the tokenizer with the length limit
     * @param maxBadFraction the largest fraction (0 to 1) of bad samples: truncated or fully masked
     *                       (a sample that is both counts once)
     * @return the data set
     * @throws IOException when the file cannot be read
     * @throws DataFormatException when a line is not a JSON object or a row is malformed
     * @throws IllegalArgumentException when the file has no rows or too many bad samples
     * @throws IllegalStateException when the tokenizer's pieces do not reassemble an example's text
     */
    public static Dataset load(Path file, DataFormat format, SpanTokenizer tok, double maxBadFraction)
            throws IOException {
        List<Jsonl.Row> rows = Jsonl.read(file);
        List<Example> examples = new ArrayList<>(rows.size());
        for (Jsonl.Row r : rows) examples.add(format.read(r));
        return of(examples, format::render, tok, maxBadFraction, file.toString());
    }

    /**
     * Tokenizes examples already in memory, with any renderer (tests use it with their own).
     *
     * @param examples       the examples
     * @param renderer       an example to its labelled spans (e.g. {@code format::render})
     * @param tok            the tokenizer with the length limit
     * @param maxBadFraction the largest fraction (0 to 1) of bad samples: truncated or fully masked
     *                       (a sample that is both counts once)
     * @param what           names the data in error messages
     * @return the data set
     * @throws IllegalArgumentException when there are no examples or too many bad samples
     * @throws IllegalStateException when the tokenizer's pieces do not reassemble an example's text
     */
    public static Dataset of(List<Example> examples, java.util.function.Function<Example, List<dev.calx.decode.format.Span>> renderer, SpanTokenizer tok, double maxBadFraction, String what) {
        List<Sample> out = new ArrayList<>(examples.size());
        int truncated = 0, masked = 0, bad = 0;
        long tokens = 0, trained = 0;
        for (Example ex : examples) {
            Sample s = tok.tokenize(ex.where(), renderer.apply(ex));
            if (s.truncated()) truncated++;
            int t = s.trainedTokens();
            if (s.truncated() || t == 0) bad++;
            if (t == 0) {
                masked++;
                continue;
            }
            tokens += s.length();
            trained += t;
            out.add(s);
        }
        Stats st = new Stats(examples.size(), truncated, masked, tokens, trained);
        if (examples.isEmpty()) throw new IllegalArgumentException(what + ": no samples");
        if (bad > maxBadFraction * examples.size()) {
            throw new IllegalArgumentException(what + ": " + st + ": " + bad + " of " + examples.size() + " samples are truncated or fully masked,"
                    + " more than " + (maxBadFraction * 100) + "%; raise --max-len or check the data");
        }
        return new Dataset(out, st);
    }
}
