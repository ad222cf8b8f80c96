package dev.calx.trainer.data;

import dev.calx.decode.format.MathCoderFormat;

import java.util.List;

/**
 * One training example as read from a data file, before any template: where it came from, an
 * optional system message, the user's question, and the assistant's solution, either as the
 * format's solution text (alpaca, tora) or as MathCoder blocks.
 *
 * @param file     the data file, as given
 * @param line     the 1-based line number
 * @param system   the system message, or null (only MathCoder rows have one)
 * @param question the user's question
 * @param solution the assistant's solution text; null for MathCoder rows
 * @param blocks   the assistant's MathCoder blocks; null for alpaca and tora rows
 */
public record Example(String file, long line, String system, String question, String solution,
                      List<MathCoderFormat.Block> blocks) {
    /**
     * Where the example came from, for messages and sample sources.
     *
     * @return {@code file:line}
     */
    public String where() {
        return file + ":" + line;
    }
}
