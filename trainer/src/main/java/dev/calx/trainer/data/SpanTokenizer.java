package dev.calx.trainer.data;

import dev.calx.decode.format.Span;
import dev.calx.decode.format.SpanKind;
import dev.calx.llama.tokenizer.Tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes rendered spans into ids and a loss mask, by span. The whole text is encoded once
 * (so tokens are the ones the model sees when the same text is encoded at inference), then each
 * token is mapped back to the bytes it covers by reassembling its piece ({@code ▁} is a space,
 * {@code <0xNN>} a byte) and labelled with the span that holds its first byte. The mask never
 * comes from searching re-tokenized strings; if the pieces do not reassemble the text exactly
 * (a tokenizer that normalizes), it stops with an error naming the example.
 *
 * <p>Spans come from decode's templates: PROMPT and EXECUTION are masked, TEXT and CODE
 * trained, and a final EOS span becomes the tokenizer's EOS id (trained). Layout: one BOS, the
 * text's tokens, EOS. A sample longer than {@code maxLength} is cut to {@code maxLength} and
 * flagged truncated.
 */
public final class SpanTokenizer {
    private final Tokenizer tok;
    private final int maxLength;

    /**
     * A tokenizer with a length limit.
     *
     * @param tok       the model's tokenizer (BOS and EOS ids come from it)
     * @param maxLength the most tokens a sample keeps, BOS and EOS included
     * @throws IllegalArgumentException when {@code maxLength < 2}
     */
    public SpanTokenizer(Tokenizer tok, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("max length must be at least 2, got " + maxLength);
        this.tok = tok;
        this.maxLength = maxLength;
    }

    static boolean trained(SpanKind k) {
        return k == SpanKind.TEXT || k == SpanKind.CODE || k == SpanKind.EOS;
    }

    /**
     * Tokenizes one rendered example.
     *
     * @param source names the example in the sample and in errors ({@code file:line})
     * @param spans  the rendered spans; an EOS span may come only last
     * @return the sample, cut to {@code maxLength} (EOS dropped then) and flagged truncated when longer
     * @throws IllegalArgumentException when an EOS span comes before the end
     * @throws IllegalStateException when the tokenizer's pieces do not reassemble the text
     */
    public Sample tokenize(String source, List<Span> spans) {
        boolean appendEos = !spans.isEmpty() && spans.getLast().kind() == SpanKind.EOS;
        if (appendEos) spans = spans.subList(0, spans.size() - 1);
        for (Span s : spans) {
            if (s.kind() == SpanKind.EOS) throw new IllegalArgumentException(source + ": EOS span before the end of the example");
        }
        StringBuilder text = new StringBuilder();
        for (Span s : spans) text.append(s.text());
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        // byte offset -> span index
        int[] spanOfByte = new int[utf8.length];
        int at = 0;
        for (int i = 0; i < spans.size(); i++) {
            int n = spans.get(i).text().getBytes(StandardCharsets.UTF_8).length;
            Arrays.fill(spanOfByte, at, at + n, i);
            at += n;
        }
        int[] body = tok.encode(text.toString(), false);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream(utf8.length + 1);
        int[] start = new int[body.length];
        for (int k = 0; k < body.length; k++) {
            start[k] = rebuilt.size();
            byte[] b = pieceBytes(tok.piece(body[k]));
            rebuilt.write(b, 0, b.length);
        }
        byte[] got = rebuilt.toByteArray();
        int shift;
        if (Arrays.equals(got, utf8)) shift = 0;
        else if (got.length == utf8.length + 1 && got[0] == ' ' && Arrays.equals(got, 1, got.length, utf8, 0, utf8.length)) shift = 1; // SentencePiece's dummy prefix
        else throw new IllegalStateException(source + ": the tokenizer's pieces do not reassemble the text, so tokens cannot be"
                    + " assigned to spans (text " + utf8.length + " bytes, pieces " + got.length + " bytes)");
        int n = 1 + body.length + (appendEos ? 1 : 0);
        int len = Math.min(n, maxLength);
        int[] ids = new int[len];
        boolean[] trained = new boolean[len];
        ids[0] = tok.bosId();
        for (int k = 0; k < body.length && k + 1 < len; k++) {
            ids[k + 1] = body[k];
            int byteAt = Math.max(0, start[k] - shift);
            // a token made only of the dummy prefix belongs to the first span
            trained[k + 1] = byteAt < utf8.length && trained(spans.get(spanOfByte[byteAt]).kind());
        }
        if (appendEos && n <= maxLength) {
            ids[n - 1] = tok.eosId();
            trained[n - 1] = true;
        }
        return new Sample(source, ids, trained, n > maxLength);
    }

    /** The bytes a piece stands for: {@code <0xNN>} byte-fallback pieces are one byte, {@code ▁} is a space. */
    static byte[] pieceBytes(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[]{(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException ignored) {
                // an ordinary piece that happens to look like this
            }
        }
        return piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }
}
