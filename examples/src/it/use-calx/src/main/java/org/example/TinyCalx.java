package org.example;

import dev.calx.decode.grade.MathGrader;
import dev.calx.llama.Generator;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.Sampler;
import dev.calx.tensor.DType;

/** Code a user writes against the installed Calx artifacts. */
public final class TinyCalx {
    private TinyCalx() {}

    /** Greedy tokens from a tiny random Llama. */
    public static int[] generate(int steps) {
        LlamaConfig c = new LlamaConfig(32, 64, 2, 4, 2, 50, 1e-5f, 10000f, 64, false, 1, 2);
        try (LlamaModel m = LlamaModel.of(LlamaWeights.random(c, DType.F32, 7)); InferenceSession s = m.newSession()) {
            return Generator.generate(s, new int[]{1, 10, 11}, steps, Sampler.greedy(), -1, -1, null);
        }
    }

    public static boolean sameAnswer(String prediction, String reference) {
        return new MathGrader().isEquivalent(prediction, reference);
    }
}
