package dev.calx.trainer;

import dev.calx.autograd.NoGrad;
import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.checkpoint.TensorFiles;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.optim.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A real autograd language model small enough for loop tests: embedding, RMSNorm, output head. */
final class TinyLm implements TrainableModel {
    final int vocab, dim;
    final AutogradParams ps;
    double nanAfter = Double.POSITIVE_INFINITY;
    int calls;

    TinyLm(int vocab, int dim, long seed) {
        this.vocab = vocab;
        this.dim = dim;
        Random r = new Random(seed);
        Map<String, Variable> v = new LinkedHashMap<>();
        v.put("model.embed_tokens.weight", Variable.parameter("embed", rand(r, vocab, dim)));
        Tensor g = Tensor.zeros(dim);
        g.fill(1f);
        v.put("model.norm.weight", Variable.parameter("norm", g));
        v.put("lm_head.weight", Variable.parameter("head", rand(r, vocab, dim)));
        ps = new AutogradParams(v);
    }

    static Tensor rand(Random r, int a, int b) {
        float[] f = new float[a * b];
        for (int i = 0; i < f.length; i++) f[i] = (float) (r.nextGaussian() * 0.5);
        return Tensor.wrap(f, new int[]{a, b});
    }

    Variable loss(Batch b, float normalizer) {
        Map<String, Variable> v = ps.variables();
        Variable x = Ops.embedding(v.get("model.embed_tokens.weight"), b.ids());
        Variable h = Ops.rmsNorm(x, v.get("model.norm.weight"), 1e-5f);
        Variable logits = Ops.linear(h, v.get("lm_head.weight"));
        return Ops.crossEntropy(logits, AutogradParams.targets(b, Ops.IGNORE_INDEX), Ops.IGNORE_INDEX, normalizer);
    }

    @Override public List<Param> params() { return ps.params(); }
    @Override public void zeroGrad() { ps.zeroGrad(); }

    @Override
    public double forwardBackward(Batch b, float normalizer) {
        if (++calls > nanAfter) return Double.NaN;
        Variable l = loss(b, normalizer);
        double sum = (double) l.item() * normalizer;
        l.backward();
        return sum;
    }

    @Override
    public double evalLossSum(Batch b) {
        try (NoGrad ng = NoGrad.enter()) {
            return (double) loss(b, 1f).item();
        }
    }

    @Override
    public void writeModelFiles(Path dir) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (var e : ps.variables().entrySet()) t.put(e.getKey(), e.getValue().value());
        TensorFiles.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": " + vocab + ", \"hidden_size\": " + dim + "}\n");
    }

    @Override
    public void loadModelFiles(Path dir) throws IOException {
        Map<String, Tensor> t = TensorFiles.read(dir.resolve("model.safetensors"));
        for (var e : ps.variables().entrySet()) e.getValue().value().copyFrom(t.get(e.getKey()));
    }

    @Override
    public long activationBytes(int rows, int width) {
        return 4L * rows * width * (3L * dim + 2L * vocab);
    }
}
