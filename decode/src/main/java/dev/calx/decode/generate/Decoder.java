package dev.calx.decode.generate;

import dev.calx.decode.sample.Sampler;
import dev.calx.llama.ContextOverflowException;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives one {@link InferenceSession}: prefill of prompts and tool output, and generation of
 * segments that end at stop strings (matched on decoded text, across token boundaries), stop
 * tokens or limits. Everything goes into the same KV cache: text is only ever appended.
 *
 * <p>After a stop the cache is kept equal to the transcript: tokens that spelled a stop string
 * are rolled back, and text before the stop that shared a token with it, or a stop token, is
 * "owed" and goes in front of the next {@link #prefillText} (so nothing is decoded twice).
 */
public final class Decoder {
    private static final int ANCHOR_TOKENS = 4;

    private final InferenceSession session;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final GenerationStats stats;
    /** Mirror of the tokens in the cache, for decoding with context and for tests. */
    private final List<Integer> cache = new ArrayList<>();
    private float[] logits;
    private int[] owedTokens = new int[0];
    private String owedText = "";
    private boolean contextFull;

    /**
     * A decoder over a fresh session. Not thread-safe: one problem's loop drives it.
     *
     * @param session   the session to fill, at position 0; the caller keeps ownership and closes it
     * @param tokenizer the model's tokenizer, for stop strings and continuation encoding
     * @param sampler   chooses each generated token
     * @param stats     receives the token counts and model times of every prefill and decode
     * @throws IllegalArgumentException when the session is not at position 0
     */
    public Decoder(InferenceSession session, Tokenizer tokenizer, Sampler sampler, GenerationStats stats) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.sampler = sampler;
        this.stats = stats;
        if (session.position() != 0) throw new IllegalArgumentException("the session must be fresh (position 0), found " + session.position());
    }

    /** {@return the accounting this decoder adds to} */
    public GenerationStats stats() {
        return stats;
    }

    /** {@return the tokenizer text is encoded and decoded with} */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * True once a prefill did not fit in the session's context (nothing more is run).
     *
     * @return whether the context overflowed on a prefill; never reset
     */
    public boolean contextFull() {
        return contextFull;
    }

    /**
     * Tokens in the cache, in order (a copy).
     *
     * @return the ids at positions 0..position()-1 of the session, as this decoder put them there
     */
    public int[] cachedTokens() {
        return cache.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Runs tokens through the model (a prompt, tool output), after whatever is owed. Tokens that
     * do not fit in the context are not run: the decoder is then {@link #contextFull() full}
     * and the next {@link #generate} ends at once with {@link StopReason#CONTEXT_FULL}, so a
     * long question or a long tool output ends that problem's loop, not the evaluation.
     *
     * @param tokens token ids to run, as the tokenizer encoded them (a prompt with its BOS)
     */
    public void prefill(int... tokens) {
        int[] all = concat(concat(owedTokens, encodeContinuation(owedText)), tokens);
        owedTokens = new int[0];
        owedText = "";
        if (all.length == 0 || contextFull) return;
        long t0 = System.nanoTime();
        try {
            logits = session.append(all);
        } catch (ContextOverflowException e) {
            contextFull = true;
            return;
        }
        stats.addPrefill(all.length, System.nanoTime() - t0);
        for (int t : all) cache.add(t);
    }

    /**
     * Encodes text as a continuation (no BOS, no dummy-prefix space) and prefills it, after whatever is owed.
     *
     * @param text text that follows the transcript so far (tool output, block markers)
     */
    public void prefillText(String text) {
        int[] owed = owedTokens;
        String full = owedText + text;
        owedTokens = new int[0];
        owedText = "";
        prefill(concat(owed, encodeContinuation(full)));
    }

    /**
     * Queues text that belongs to the transcript but is not in the cache yet (e.g. a block
     * delimiter that matched as a stop string); it goes in with the next prefill, at no cost now.
     *
     * @param text text to append to what is owed
     */
    public void queueText(String text) {
        owedText += text;
    }

    /**
     * Token ids of text that continues existing text. SentencePiece adds a leading space to the
     * start of what it encodes; encoding "\n" + text and dropping the tokens of "\n" avoids it
     * (a newline is its own byte token in Llama vocabularies and never merges).
     *
     * @param text the text; may be empty
     * @return its token ids without BOS and without a leading dummy space (empty for empty text)
     */
    public int[] encodeContinuation(String text) {
        if (text.isEmpty()) return new int[0];
        int[] pre = tokenizer.encode("\n", false);
        int[] ids = tokenizer.encode("\n" + text, false);
        if (ids.length >= pre.length && Arrays.equals(Arrays.copyOf(ids, pre.length), pre)) {
            return Arrays.copyOfRange(ids, pre.length, ids.length);
        }
        return tokenizer.encode(text, false);
    }

    /**
     * Generates one segment; the stream receives text as soon as it cannot be part of a stop string.
     * Owed tokens and text are prefilled first. Tokens past the tokenizer's vocabulary
     * (embedding padding) are never sampled. Ends at once with {@link StopReason#CONTEXT_FULL}
     * when the context is full.
     *
     * @param options the token limit and the stop strings and tokens
     * @param stream  receives the segment's text in pieces that concatenate to
     *                {@link Segment#text()}; may be null
     * @return the segment. The cache plus what is owed then spell exactly the transcript up to
     *         the stop; a sampled stop token is owed too (it goes in with the next prefill), a
     *         stop string is not: the caller feeds or {@link #queueText queues} it when it
     *         belongs to the transcript
     * @throws IllegalStateException when nothing has been prefilled yet
     */
    public Segment generate(GenerateOptions options, Consumer<String> stream) {
        if (owedTokens.length > 0 || !owedText.isEmpty()) prefillText("");
        if (contextFull) return finish(options, stream, "", 0, StopReason.CONTEXT_FULL, null, -1, 0);
        if (logits == null) throw new IllegalStateException("nothing to continue from: prefill a prompt first");
        int start = cache.size();
        float[] startLogits = logits;
        int[] anchor = cachedTokens();
        anchor = Arrays.copyOfRange(anchor, Math.max(0, anchor.length - ANCHOR_TOKENS), anchor.length);
        String anchorText = tokenizer.decode(anchor);
        List<Integer> ids = new ArrayList<>();
        String text = "";
        int emitted = 0;
        while (true) {
            if (ids.size() >= options.maxNewTokens()) return finish(options, stream, text, emitted, StopReason.MAX_TOKENS, null, -1, ids.size());
            if (session.position() >= session.maxLength()) return finish(options, stream, text, emitted, StopReason.CONTEXT_FULL, null, -1, ids.size());
            int token = sampler.sample(maskPadding(logits));
            if (options.stopTokens().contains(token)) {
                owedTokens = new int[] {token};
                return finish(options, stream, text, emitted, StopReason.STOP_TOKEN, null, token, ids.size() + 1);
            }
            long t0 = System.nanoTime(); // model time only: sampling and text handling are "everything else"
            try {
                logits = session.append(token);
            } catch (ContextOverflowException e) {
                return finish(options, stream, text, emitted, StopReason.CONTEXT_FULL, null, -1, ids.size());
            }
            stats.addDecode(1, System.nanoTime() - t0);
            cache.add(token);
            ids.add(token);
            int previousLength = text.length();
            text = decodeAfter(anchor, anchorText, ids);

            int stopAt = -1;
            String stop = null;
            for (String s : options.stopStrings()) {
                int i = text.indexOf(s, Math.max(0, previousLength - s.length() + 1));
                if (i >= 0 && (stopAt < 0 || i < stopAt)) {
                    stopAt = i;
                    stop = s;
                }
            }
            if (stop != null) {
                String before = text.substring(0, stopAt);
                keepCacheEqualTo(start, startLogits, anchor, anchorText, ids, before);
                return finish(options, stream, before, emitted, StopReason.STOP_STRING, stop, -1, ids.size());
            }
            int safe = text.length() - heldBack(text, options.stopStrings());
            if (safe > emitted) {
                if (stream != null) stream.accept(text.substring(emitted, safe));
                emitted = safe;
            }
        }
    }

    /**
     * Checkpoints often pad the embedding matrix past the tokenizer (e.g. 32016 rows for 32000
     * pieces); the padding rows have no text, so they are never sampled.
     */
    private float[] maskPadding(float[] l) {
        int n = tokenizer.vocabSize();
        if (l.length > n) java.util.Arrays.fill(l, n, l.length, Float.NEGATIVE_INFINITY);
        return l;
    }

    private Segment finish(GenerateOptions options, Consumer<String> stream, String text, int emitted,
                           StopReason reason, String stop, int stopToken, int tokens) {
        if (stream != null && text.length() > emitted) stream.accept(text.substring(emitted));
        return new Segment(text, reason, stop, stopToken, tokens);
    }

    private String decodeAfter(int[] anchor, String anchorText, List<Integer> ids) {
        int[] all = concat(anchor, ids.stream().mapToInt(Integer::intValue).toArray());
        String s = tokenizer.decode(all);
        if (s.startsWith(anchorText)) return s.substring(anchorText.length());
        return tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Rolls the cache back to the longest run of generated tokens whose text is a prefix of
     * `before`; the rest of `before` becomes owed text.
     */
    private void keepCacheEqualTo(int start, float[] startLogits, int[] anchor, String anchorText, List<Integer> ids, String before) {
        int k = ids.size();
        String kept = "";
        while (k > 0) {
            kept = decodeAfter(anchor, anchorText, ids.subList(0, k));
            if (before.startsWith(kept) && !kept.endsWith("\uFFFD")) break;
            k--;
        }
        if (k == 0) kept = "";
        session.rollback(start + k);
        while (cache.size() > start + k) cache.removeLast();
        owedText = before.substring(kept.length());
        logits = k == 0 ? startLogits : null;
        if (owedText.isEmpty() && k > 0) {
            // The last kept token's logits are gone with the rollback; re-run it so generation can resume.
            int last = cache.removeLast();
            session.rollback(start + k - 1);
            owedTokens = new int[] {last};
        }
    }

    /** How many trailing characters might still become a stop string (or an unfinished UTF-8 character). */
    static int heldBack(String text, List<String> stops) {
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > hold; len--) {
                if (text.endsWith(s.substring(0, len))) {
                    hold = len;
                    break;
                }
            }
        }
        int bad = 0;
        while (bad < text.length() && text.charAt(text.length() - 1 - bad) == '\uFFFD') bad++;
        return Math.max(hold, bad);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
