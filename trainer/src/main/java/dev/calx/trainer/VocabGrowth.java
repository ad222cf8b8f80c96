package dev.calx.trainer;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.tokenizer.PieceType;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds special tokens (MathCoder's block markers) to a tokenizer and grows the embedding and
 * the output head to match, initializing each new row to the mean of the old rows (the usual
 * choice, and what Hugging Face's resize does when asked for mean init).
 */
public final class VocabGrowth {
    private VocabGrowth() { }

    /**
     * The tokenizer and weights after growth (unchanged when every token is already there).
     *
     * @param tokenizer the tokenizer with the added pieces (the input one when nothing was added)
     * @param weights   the weights with the grown embedding and head (the input ones when nothing
     *                  was added or the model already had spare rows for the new ids)
     * @param added     the tokens that were added, in the order given; empty when none
     */
    public record Grown(SentencePieceTokenizer tokenizer, LlamaWeights weights, List<String> added) { }

    /**
     * Adds, as user-defined pieces, each token that does not already encode to a single piece of
     * its own text, then grows the embedding (and the output head unless it is tied) to the new
     * vocabulary size. Neither input is modified.
     *
     * @param tok    the base tokenizer
     * @param w      the base weights
     * @param tokens the tokens that must be single pieces (e.g. MathCoder's block markers)
     * @return the grown tokenizer and weights (heap fp32 when grown) and what was added
     */
    public static Grown addTokens(SentencePieceTokenizer tok, LlamaWeights w, List<String> tokens) {
        List<String> missing = new ArrayList<>();
        for (String t : tokens) {
            int[] ids = tok.encode(t, false);
            boolean atomic = ids.length == 1 && tok.piece(ids[0]).equals(t);
            if (!atomic) missing.add(t);
        }
        if (missing.isEmpty()) return new Grown(tok, w, List.of());
        SentencePieceTokenizer grown = new SentencePieceTokenizer(tok.vocabulary().withAddedPieces(missing, PieceType.USER_DEFINED));
        LlamaConfig c = w.config();
        if (grown.vocabSize() < c.vocabSize()) {
            // the model already has spare rows (padded vocabularies): no growth needed if the new ids fit
            return new Grown(grown, w, missing);
        }
        int newV = grown.vocabSize();
        LlamaConfig nc = c.withVocabSize(newV);
        Map<String, Object> named = new LinkedHashMap<>(w.toHeapF32().named());
        named.put(LlamaWeights.EMBED, grow(tensor(named.get(LlamaWeights.EMBED)), newV));
        if (!c.tieWordEmbeddings()) named.put(LlamaWeights.LM_HEAD, grow(tensor(named.get(LlamaWeights.LM_HEAD)), newV));
        else named.remove(LlamaWeights.LM_HEAD);
        return new Grown(grown, LlamaWeights.of(nc, named), missing);
    }

    static Tensor tensor(Object o) {
        return o instanceof F32Weights f ? f.heapTensor() : (Tensor) o;
    }

    /** Rows [old..newRows) set to the mean of the old rows. */
    static Tensor grow(Tensor t, int newRows) {
        int rows = t.dim(0), cols = t.dim(1);
        Tensor out = Tensor.zeros(newRows, cols);
        float[] src = t.contiguous().toArray(), dst = out.data();
        System.arraycopy(src, 0, dst, 0, src.length);
        double[] mean = new double[cols];
        for (int r = 0; r < rows; r++) for (int k = 0; k < cols; k++) mean[k] += src[r * cols + k];
        for (int r = rows; r < newRows; r++) for (int k = 0; k < cols; k++) dst[r * cols + k] = (float) (mean[k] / rows);
        return out;
    }
}
