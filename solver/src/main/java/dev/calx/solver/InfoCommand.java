package dev.calx.solver;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code calx info}: a checkpoint's config and what loading it costs, from its headers only. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a model's config, parameter count, storage dtype and the memory a load and a KV cache take (nothing is loaded).")
public final class InfoCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public InfoCommand() { }

    @Option(names = "--model", required = true, description = "HF directory (config.json), llama2.c .bin or .gguf file.")
    Path model;

    @Option(names = "--kv-tokens", defaultValue = "2048", description = "KV-cache length to size (default: ${DEFAULT-VALUE}).")
    int kvTokens;

    @Override
    public Integer call() throws Exception {
        ModelInfo i = ModelInfo.of(model);
        LlamaConfig c = i.config();
        System.out.println("model: " + model);
        System.out.println("format: " + i.format());
        System.out.println("hidden_size: " + c.hiddenSize());
        System.out.println("intermediate_size: " + c.intermediateSize());
        System.out.println("num_hidden_layers: " + c.numHiddenLayers());
        System.out.println("num_attention_heads: " + c.numAttentionHeads());
        System.out.println("num_key_value_heads: " + c.numKeyValueHeads());
        System.out.println("head_dim: " + c.headDim());
        System.out.println("vocab_size: " + c.vocabSize());
        System.out.println("max_position_embeddings: " + c.maxPositionEmbeddings());
        System.out.println("rms_norm_eps: " + c.rmsNormEps());
        System.out.println("rope_theta: " + c.ropeTheta());
        System.out.println("tie_word_embeddings: " + c.tieWordEmbeddings());
        System.out.println("bos_token_id: " + c.bosTokenId() + ", eos_token_id: " + c.eosTokenId());
        System.out.printf("parameters: %,d%n", c.parameterCount());
        System.out.println("storage dtype: " + i.storageDType());
        System.out.println("file size: " + bytes(i.fileBytes()));
        System.out.println("load: " + bytes(i.mappedWeightBytes()) + " memory-mapped (no copy) + " + bytes(i.copiedBytes()) + " copied");
        System.out.println("KV cache for " + kvTokens + " tokens (fp32): " + bytes(i.kvCacheBytes(kvTokens)));
        return 0;
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1L << 30) return String.format("%.1f MiB", n / (double) (1 << 20));
        return String.format("%.2f GiB", n / (double) (1L << 30));
    }
}
