package dev.calx.trainer.data;

import dev.calx.decode.format.MathCoderFormat;

import java.util.List;

/**
 * One training example as read from a data file, before any template: where it came from, an
 * optional system message, the user's question, and the assistant's solution, either as the
 * format's solution text (alpaca, tora) or as MathCoder blocks.
 */
public record Example(String file, long line, String system, String question, String solution,
                      List<MathCoderFormat.Block> blocks) {
    public String where() {
        return file + ":" + line;
    }
}
