package dev.calx.examples;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import dev.calx.solver.DefaultModel;
import dev.calx.tensor.DType;
import dev.calx.trainer.TrainConfig;
import dev.calx.trainer.TrainRun;
import dev.calx.trainer.Trainer;
import dev.calx.trainer.data.DataFormat;
import dev.calx.trainer.optim.LrSchedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes a tiny randomly initialized Llama for a few steps on a JSONL file in the Alpaca
 * format ({@code instruction}, {@code output}), as {@code calx train} does, and prints the loss
 * of each optimizer step. The tokenizer is the one of the model embedded in calx-solver.
 * Argument: a working directory (default: a new temporary one).
 */
public final class FineTune {
    private FineTune() {}

    /**
     * Runs the example.
     *
     * @param args optional: the working directory
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("calx-finetune");
        Path data = work.resolve("train.jsonl");
        List<String> rows = new ArrayList<>();
        for (int a = 1; a <= 16; a++) {
            rows.add("{\"instruction\": \"What is " + a + " plus " + (a + 2) + "?\", \"output\": \"" + a + " + " + (a + 2)
                    + " = " + (2 * a + 2) + ". The answer is " + (2 * a + 2) + ".\"}");
        }
        Files.write(data, rows);

        // a base checkpoint: random weights in Hugging Face layout (config.json + model.safetensors)
        Path tokenizer = DefaultModel.directory().resolve("tokenizer.model");
        Tokenizer tok = Tokenizers.load(tokenizer);
        // hidden 64, MLP 176, 2 layers, 4 heads (4 KV), the tokenizer's vocabulary, 128 positions
        LlamaConfig config = new LlamaConfig(64, 176, 2, 4, 4, tok.vocabSize(), 1e-5f, 10000f, 128, false,
                tok.bosId(), tok.eosId());
        Path base = work.resolve("base");
        HfCheckpoint.write(LlamaWeights.random(config, DType.F32, 42), base, null, Map.of(), Long.MAX_VALUE);

        TrainConfig cfg = TrainConfig.builder().epochs(3).lr(3e-3).batchSize(4).maxLength(128).warmupRatio(0.0)
                .schedule(LrSchedule.Kind.CONSTANT).evalEvery(Integer.MAX_VALUE).keepLast(1).maxBadFraction(0.0).build();
        Path out = work.resolve("run");
        Trainer.Result r = TrainRun.run(new TrainRun.Stage(base, tokenizer, data, null, DataFormat.ALPACA, out, cfg), System.err);
        for (double[] stepLoss : r.stepLosses()) System.out.printf("step %d loss %.4f%n", (long) stepLoss[0], stepLoss[1]);
        System.out.println("checkpoint " + r.lastCheckpoint());
    }
}
