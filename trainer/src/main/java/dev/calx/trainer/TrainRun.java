package dev.calx.trainer;

import dev.calx.decode.format.MathCoderFormat;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.TrainableLlama;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.data.DataFormat;
import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.data.SpanTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One stage (and the two-stage recipe) from files to checkpoints: loads the base model and its
 * tokenizer, grows the vocabulary for MathCoder's special tokens, tokenizes the data with
 * decode's templates, and runs the {@link Trainer} (resuming when the output holds a checkpoint).
 */
public final class TrainRun {
    private TrainRun() { }

    /**
     * A stage: base checkpoint, optional tokenizer (default: the base's), data, optional validation data.
     *
     * @param base      the checkpoint to start from (directory or file, any format the llama module reads)
     * @param tokenizer a tokenizer file or directory, or null for the one beside {@code base}
     * @param data      the training JSONL
     * @param val       the validation JSONL, or null
     * @param format    the format of both files
     * @param out       the output directory; a run resumes from the checkpoint it holds
     * @param cfg       the stage's settings
     */
    public record Stage(Path base, Path tokenizer, Path data, Path val, DataFormat format, Path out, TrainConfig cfg) { }

    /**
     * Runs one stage, logging to {@code err} what it loaded and how it will train. The tokenizer
     * actually used (grown or not) is saved into every checkpoint.
     *
     * @param s   the stage
     * @param err where notes and the progress line go
     * @return the trainer's result
     * @throws IOException when the model, tokenizer or data cannot be read, or a checkpoint cannot be written
     * @throws dev.calx.trainer.data.DataFormatException when a data row is malformed
     * @throws IllegalArgumentException when the tokenizer has more tokens than the model has
     *                                  embeddings, too many samples are truncated or fully masked,
     *                                  {@code evalProblems > 0} comes without validation data, or the
     *                                  checkpoint in {@code out} was made with other settings
     * @throws TrainingDivergedException when the loss or the gradients stop being finite
     */
    public static Trainer.Result run(Stage s, PrintStream err) throws IOException {
        requireValForEvalProblems(s.val(), s.cfg(), s.data());
        Path tokPath = s.tokenizer() != null ? s.tokenizer() : Files.isDirectory(s.base()) ? s.base() : s.base().toAbsolutePath().getParent();
        SentencePieceTokenizer tok = Tokenizers.load(tokPath);
        LlamaWeights w;
        try (LlamaModel m = LlamaModel.load(s.base())) {
            w = m.weights().toHeapF32();
        }
        // the tokenizer goes into every checkpoint (tokenizer.model + tokenizer.json), whatever file it came from
        SentencePieceTokenizer saveTok = tok;
        if (s.format() == DataFormat.MATHCODER) {
            VocabGrowth.Grown g = VocabGrowth.addTokens(tok, w, MathCoderFormat.SPECIAL_TOKENS);
            if (!g.added().isEmpty()) {
                err.println("calx train: added " + g.added() + " to the vocabulary (now " + g.tokenizer().vocabSize()
                        + "); embedding and head grown with mean-initialized rows");
                tok = g.tokenizer();
                w = g.weights();
                saveTok = tok;
            }
        }
        if (tok.vocabSize() > w.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tok.vocabSize() + " tokens but the model only "
                    + w.config().vocabSize() + " embeddings");
        }
        LlamaTrainable model = new LlamaTrainable(TrainableLlama.of(w), Files.isDirectory(tokPath) ? tokPath : tokPath.getParent(), saveTok);
        SpanTokenizer st = new SpanTokenizer(tok, Math.min(s.cfg().maxLength(), w.config().maxPositionEmbeddings()));
        Dataset train = Dataset.load(s.data(), s.format(), st, s.cfg().maxBadFraction());
        err.println("calx train: " + s.data() + ": " + train.stats());
        Dataset val = null;
        if (s.val() != null) {
            val = Dataset.load(s.val(), s.format(), st, 1.0);
            err.println("calx train: validation " + s.val() + ": " + val.stats());
        }
        Trainer t = new Trainer(s.cfg(), model, train, val, s.out(), tok.eosId(), err);
        GenerationEval gen = null;
        if (s.cfg().evalProblems() > 0) {
            var problems = GenerationEval.problems(s.val(), s.format(), s.cfg().evalProblems());
            var session = new dev.calx.decode.format.LlamaSessionFactory(dev.calx.llama.LlamaModel.of(model.model().weights()), tok,
                    w.config().maxPositionEmbeddings());
            var executor = GenerationEval.lazy(() -> new dev.calx.decode.exec.InterpreterExecutor(
                    dev.calx.interpreter.InterpreterOptions.defaults().withWorkers(1)));
            gen = new GenerationEval(GenerationEval.promptFormat(s.format()), session, executor, problems, s.cfg().evalMaxTokens());
            t.withGenerationEval(gen);
            err.println("calx train: generation accuracy on the first " + problems.size() + " problems of " + s.val()
                    + " at each evaluation (greedy, " + s.cfg().evalMaxTokens() + " new tokens at most)");
        }
        err.println("calx train: " + t.stepsPerEpoch() * s.cfg().epochs() + " optimizer steps (" + s.cfg().epochs() + " epochs of "
                + t.stepsPerEpoch() + "), batch " + s.cfg().batchSize() + " x grad-accum " + s.cfg().gradAccum());
        err.println("calx train: " + t.batchSummary());
        try {
            return t.run();
        } finally {
            if (gen != null) gen.close();
        }
    }

    /**
     * Stage 1 (CoT) into out/stage1, then stage 2 (code-nested) into out/stage2 from stage 1's
     * final weights with a fresh optimizer and schedule. Re-running resumes whichever stage is
     * unfinished. Returns stage 2's result.
     *
     * @param stage1       stage 1; stage 2 writes into the sibling {@code stage2} of its {@code out}
     * @param stage2Data   stage 2's training JSONL
     * @param stage2Val    stage 2's validation JSONL, or null
     * @param stage2Format the format of stage 2's files
     * @param cfg2         stage 2's settings
     * @param err          where notes and the progress line go
     * @return stage 2's result, or stage 1's when stage 1 stopped early ({@code stopAfterSteps})
     * @throws IOException when a file cannot be read or written, or stage 1 left no checkpoint
     * @throws IllegalArgumentException as {@link #run}; a stage with {@code evalProblems > 0} and
     *                                  no validation data is found before stage 1 starts
     */
    public static Trainer.Result twoStage(Stage stage1, Path stage2Data, Path stage2Val, DataFormat stage2Format, TrainConfig cfg2,
                                          PrintStream err) throws IOException {
        // before stage 1 trains: stage 2's missing problems were found only when it started
        requireValForEvalProblems(stage1.val(), stage1.cfg(), stage1.data());
        requireValForEvalProblems(stage2Val, cfg2, stage2Data);
        err.println("calx train-two-stage: stage 1 (" + stage1.data() + ") -> " + stage1.out());
        Trainer.Result r1 = run(stage1, err);
        if (!r1.finished()) return r1;
        Path s1 = Checkpoints.latest(stage1.out()).orElseThrow(() -> new IOException(stage1.out() + ": stage 1 left no checkpoint"));
        Path out2 = stage1.out().getParent() == null ? Path.of("stage2") : stage1.out().resolveSibling("stage2");
        err.println("calx train-two-stage: stage 2 (" + stage2Data + ") from " + s1 + " -> " + out2);
        return run(new Stage(s1, null, stage2Data, stage2Val, stage2Format, out2, cfg2), err);
    }

    private static void requireValForEvalProblems(Path val, TrainConfig cfg, Path data) {
        if (cfg.evalProblems() > 0 && val == null) {
            throw new IllegalArgumentException("evalProblems " + cfg.evalProblems() + " needs validation data (the held-out problems"
                    + " to decode) for the stage trained on " + data);
        }
    }
}
