package dev.calx.solver;

import dev.calx.llama.LlamaModel;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.format.Llama2c;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code calx convert}: rewrites a checkpoint in one of the writable formats. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a model (HF, llama2.c .bin or GGUF) to a Hugging Face directory or a llama2.c .bin.")
public final class ConvertCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public ConvertCommand() { }

    enum Target { hf, llama2c }

    @Option(names = "--model", required = true, description = "Source: HF directory, llama2.c .bin or .gguf file.")
    Path model;

    @Option(names = "--to", required = true, description = "Target format: ${COMPLETION-CANDIDATES}.")
    Target to;

    @Option(names = "--out", required = true, description = "Output directory (hf) or file (llama2c).")
    Path out;

    @Option(names = "--llama2c-version", defaultValue = "0", description = "llama2.c version 0 (run.c reads it), 1, or 2 (Q8_0, runq.c reads it) (default: ${DEFAULT-VALUE}).")
    int version;

    @Option(names = "--shard-size", defaultValue = "5000000000", description = "HF: largest shard in bytes before splitting (default: ${DEFAULT-VALUE}).")
    long shardSize;

    @Override
    public Integer call() throws Exception {
        // Checked before the model loads, so a wrong --out costs nothing and says what is wrong.
        if (shardSize < 1) {
            // 0 or -5 gave one shard per tensor (47 files for stories260K)
            throw new IllegalArgumentException("--shard-size must be 1 byte or more, got " + shardSize);
        }
        if (to == Target.llama2c && Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a directory; --to llama2c writes one file (e.g. "
                    + out.resolve("model.bin") + ")");
        }
        if (to == Target.hf && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; --to hf writes a directory (config.json and safetensors)");
        }
        try (LlamaModel m = LlamaModel.load(model)) {
            switch (to) {
                case hf -> {
                    @SuppressWarnings("unchecked")
                    Map<String, String> meta = (Map<String, String>) m.metadata().get("hf.safetensors.metadata");
                    HfCheckpoint.write(m.weights(), out, (String) m.metadata().get(HfCheckpoint.CONFIG_TEXT), meta, shardSize);
                }
                case llama2c -> Llama2c.write(m.weights(), out, version);
            }
            System.err.println("wrote " + out + " (" + to + ", from " + m.format() + " " + m.weights().storageDType() + ")");
        }
        return 0;
    }
}
