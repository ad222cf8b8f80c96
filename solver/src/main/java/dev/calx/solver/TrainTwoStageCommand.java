package dev.calx.solver;

import dev.calx.trainer.InvalidSettingException;
import dev.calx.trainer.TrainConfig;
import dev.calx.trainer.TrainRun;
import dev.calx.trainer.Trainer;
import dev.calx.trainer.data.DataFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code calx train-two-stage}: MuMath-Code's recipe, stage 1 on CoT data then stage 2 on
 * code-nested data from stage 1's final weights with a fresh optimizer (same hyper-parameters,
 * except that {@code --stage2-epochs} may give stage 2 its own number of epochs).
 */
@Command(name = "train-two-stage", mixinStandardHelpOptions = true,
        description = "Stage 1 (CoT) then stage 2 (code-nested) from stage 1's weights; OUT/stage1 and OUT/stage2; resumes.")
public final class TrainTwoStageCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public TrainTwoStageCommand() { }

    @Spec CommandSpec spec;
    @Option(names = "--config", description = "JSON or YAML file of options; command-line options win.") Path config;
    @Option(names = "--base", description = "Base model.") Path base;
    @Option(names = "--tokenizer", description = "Tokenizer (default: the base model's).") Path tokenizer;
    @Option(names = "--stage1", description = "Stage-1 (CoT) JSONL.") Path stage1;
    @Option(names = "--stage1-val", description = "Stage-1 validation JSONL.") Path stage1Val;
    @Option(names = "--stage1-format", defaultValue = "tora", description = "Format of stage 1 (default: ${DEFAULT-VALUE}).") String stage1Format;
    @Option(names = "--stage2", description = "Stage-2 (code-nested) JSONL.") Path stage2;
    @Option(names = "--stage2-val", description = "Stage-2 validation JSONL.") Path stage2Val;
    @Option(names = "--stage2-format", defaultValue = "tora", description = "Format of stage 2 (default: ${DEFAULT-VALUE}).") String stage2Format;
    @Option(names = "--stage2-epochs", description = "Epochs of stage 2 (default: --epochs).") Integer stage2Epochs;
    @Option(names = "--out", description = "Output directory.") Path out;
    @Mixin TrainCommand.Hyper hyper = new TrainCommand.Hyper();

    @Override
    public Integer call() throws Exception {
        if (config != null) return TrainCommand.rerunWithConfig(spec, config);
        TrainCommand.require(spec, base, "--base");
        TrainCommand.require(spec, stage1, "--stage1");
        TrainCommand.require(spec, stage2, "--stage2");
        TrainCommand.require(spec, out, "--out");
        var cfg = hyper.config();
        TrainConfig cfg2 = cfg;
        if (stage2Epochs != null) {
            try {
                cfg2 = cfg.withEpochs(stage2Epochs);
            } catch (InvalidSettingException e) {
                throw TrainCommand.Hyper.inOptionTerms(e, "--stage2-epochs");
            }
        }
        // both stages decode their own held-out problems; found missing only after stage 1 had trained
        if (cfg.evalProblems() > 0 && (stage1Val == null || stage2Val == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eval-problems needs --stage1-val and --stage2-val (the held-out problems"
                    + " each stage decodes); missing: " + (stage1Val == null ? stage2Val == null ? "both" : "--stage1-val" : "--stage2-val"));
        }
        Trainer.Result r = TrainRun.twoStage(
                new TrainRun.Stage(base, tokenizer, stage1, stage1Val, DataFormat.parse(stage1Format), out.resolve("stage1"), cfg),
                stage2, stage2Val, DataFormat.parse(stage2Format), cfg2, System.err);
        System.out.println((r.finished() ? "finished" : "stopped") + " at step " + r.finalStep() + "; checkpoint " + r.lastCheckpoint());
        return 0;
    }
}
