package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.StrictUtf8;
import dev.calx.trainer.InvalidSettingException;
import dev.calx.trainer.TrainConfig;
import dev.calx.trainer.TrainRun;
import dev.calx.trainer.Trainer;
import dev.calx.trainer.data.DataFormat;
import dev.calx.trainer.optim.LrSchedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code calx train}: full fine-tuning of one stage; resumes when --out holds a checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune a Llama checkpoint on JSONL data (alpaca, tora or mathcoder format); resumes from --out.")
public final class TrainCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public TrainCommand() { }

    /** Hyper-parameters shared by train and train-two-stage (the papers' recipe as defaults). */
    static final class Hyper {
        @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).") int epochs;
        @Option(names = "--lr", defaultValue = "2e-5", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") double lr;
        @Option(names = "--batch", defaultValue = "8", description = "Sequences per micro-batch (default: ${DEFAULT-VALUE}).") int batch;
        @Option(names = "--grad-accum", defaultValue = "1", description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).") int gradAccum;
        @Option(names = "--max-len", defaultValue = "2048", description = "Max tokens per sample; longer ones are cut and counted (default: ${DEFAULT-VALUE}).") int maxLen;
        @Option(names = "--warmup", defaultValue = "0.03", description = "Warm-up ratio of the total steps (default: ${DEFAULT-VALUE}).") double warmup;
        @Option(names = "--schedule", defaultValue = "linear", description = "constant, linear or cosine (default: ${DEFAULT-VALUE}).") String schedule;
        @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).") double weightDecay;
        @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default: ${DEFAULT-VALUE}).") double beta1;
        @Option(names = "--beta2", defaultValue = "0.999", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).") double beta2;
        @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon (default: ${DEFAULT-VALUE}).") double eps;
        @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Global-norm clipping; 0 = off (default: ${DEFAULT-VALUE}).") double maxGradNorm;
        @Option(names = "--seed", defaultValue = "42", description = "Data order seed (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--log-every", defaultValue = "1", description = "Progress line every N steps and at the last; 0 = none (default: ${DEFAULT-VALUE}).") int logEvery;
        @Option(names = "--eval-every", defaultValue = "0", description = "Validation loss every N steps; 0 = only at the end when --val is given (default: ${DEFAULT-VALUE}).") int evalEvery;
        @Option(names = "--save-every", defaultValue = "0", description = "Checkpoint every N steps; the last step is always saved (default: ${DEFAULT-VALUE}).") int saveEvery;
        @Option(names = "--keep", defaultValue = "2", description = "Newest checkpoints kept; the latest always is, so 0 means 1 (default: ${DEFAULT-VALUE}).") int keep;
        @Option(names = "--max-bad-fraction", defaultValue = "0.01", description = "Stop when more truncated or fully masked samples (default: ${DEFAULT-VALUE}).") double maxBad;
        @Option(names = "--pack", description = "Pack samples into rows of --max-len tokens (attention kept inside each sample; --batch is then rows per batch) instead of one padded sample per row.") boolean pack;
        @Option(names = "--eval-problems", defaultValue = "0", description = "At each evaluation, greedy-decode the first N --val problems with the format's tool loop and log their accuracy (val_accuracy); 0 = off (default: ${DEFAULT-VALUE}).") int evalProblems;
        @Option(names = "--eval-max-tokens", defaultValue = "512", description = "New tokens per problem for --eval-problems (default: ${DEFAULT-VALUE}).") int evalMaxTokens;
        @Option(names = "--stop-after-steps", defaultValue = "0", description = "Stop (after a checkpoint) at this step; 0 = run to the end (default: ${DEFAULT-VALUE}).") long stopAfter;

        /** The options that set each {@link TrainConfig} component, for errors in the user's words. */
        static final Map<String, String> OPTION = Map.ofEntries(Map.entry("epochs", "--epochs"), Map.entry("lr", "--lr"),
                Map.entry("batchSize", "--batch"), Map.entry("gradAccum", "--grad-accum"), Map.entry("maxLength", "--max-len"),
                Map.entry("warmupRatio", "--warmup"), Map.entry("schedule", "--schedule"), Map.entry("weightDecay", "--weight-decay"),
                Map.entry("beta1", "--beta1"), Map.entry("beta2", "--beta2"), Map.entry("eps", "--eps"),
                Map.entry("maxGradNorm", "--max-grad-norm"), Map.entry("logEvery", "--log-every"), Map.entry("evalEvery", "--eval-every"),
                Map.entry("saveEvery", "--save-every"), Map.entry("keepLast", "--keep"), Map.entry("maxBadFraction", "--max-bad-fraction"),
                Map.entry("stopAfterSteps", "--stop-after-steps"), Map.entry("evalProblems", "--eval-problems"),
                Map.entry("evalMaxTokens", "--eval-max-tokens"));

        TrainConfig config() {
            try {
                return new TrainConfig(epochs, lr, batch, gradAccum, maxLen, warmup, LrSchedule.parseKind(schedule), weightDecay, beta1, beta2,
                        eps, maxGradNorm, seed, logEvery, evalEvery == 0 ? Integer.MAX_VALUE : evalEvery, saveEvery, keep, maxBad, stopAfter)
                        .withPack(pack).withEvalProblems(evalProblems, evalMaxTokens);
            } catch (InvalidSettingException e) {
                throw inOptionTerms(e, OPTION.getOrDefault(e.setting(), e.setting()));
            }
        }

        /** The error with the option's name in place of the setting's ({@code --warmup must be ...}). */
        static IllegalArgumentException inOptionTerms(InvalidSettingException e, String option) {
            return new IllegalArgumentException(option + " " + e.rule(), e);
        }
    }

    @Spec CommandSpec spec;
    @Option(names = "--config", description = "JSON or YAML file of options (keys are option names without --); command-line options win.") Path config;
    @Option(names = "--base", description = "Base model (HF directory, llama2.c .bin or .gguf).") Path base;
    @Option(names = "--tokenizer", description = "Tokenizer file or directory (default: the base model's).") Path tokenizer;
    @Option(names = "--data", description = "Training JSONL.") Path data;
    @Option(names = "--val", description = "Validation JSONL (same format).") Path val;
    @Option(names = "--format", defaultValue = "tora", description = "alpaca, tora or mathcoder (default: ${DEFAULT-VALUE}).") String format;
    @Option(names = "--out", description = "Output directory (checkpoints, metrics.jsonl, loss.png).") Path out;
    @Mixin Hyper hyper = new Hyper();

    @Override
    public Integer call() throws Exception {
        if (config != null) return rerunWithConfig(spec, config);
        require(spec, base, "--base");
        require(spec, data, "--data");
        require(spec, out, "--out");
        if (hyper.evalProblems > 0 && val == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eval-problems needs --val (the held-out problems it decodes)");
        }
        Trainer.Result r = TrainRun.run(new TrainRun.Stage(base, tokenizer, data, val, DataFormat.parse(format), out, hyper.config()), System.err);
        System.out.println((r.finished() ? "finished" : "stopped") + " at step " + r.finalStep() + "; checkpoint " + r.lastCheckpoint());
        return 0;
    }

    static void require(CommandSpec spec, Object v, String name) {
        if (v == null) throw new CommandLine.ParameterException(spec.commandLine(), "missing " + name + " (or give it in --config)");
    }

    /** Parses the config file into options placed before the command line's own (which therefore win) and runs again. */
    static int rerunWithConfig(CommandSpec spec, Path config) throws Exception {
        String name = config.getFileName().toString();
        ObjectMapper mapper = StrictJson.mapper();
        String text = StrictUtf8.withoutBom(StrictUtf8.read(config, "the config"));
        JsonNode n;
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            Object y;
            try {
                y = new org.yaml.snakeyaml.Yaml().load(text);
            } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
                var mark = e.getProblemMark();
                throw new IllegalArgumentException(config + ": not valid YAML" + (mark == null ? "" : " (line " + (mark.getLine() + 1)
                        + ", column " + (mark.getColumn() + 1) + ")") + ": " + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
            } catch (org.yaml.snakeyaml.error.YAMLException e) {
                throw new IllegalArgumentException(config + ": not valid YAML: " + e.getMessage());
            }
            if (!(y instanceof Map)) throw new IllegalArgumentException(config + ": expected a mapping of option names to values");
            n = mapper.valueToTree(y);
        } else {
            try {
                n = mapper.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(config + ": not valid JSON: " + StrictJson.reason(e));
            }
            if (n == null || !n.isObject()) throw new IllegalArgumentException(config + ": expected a JSON object of option names to values");
        }
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            CommandLine.Model.OptionSpec o = spec.findOption("--" + e.getKey());
            if (o == null) {
                throw new IllegalArgumentException(config + ": unknown option \"" + e.getKey() + "\"");
            }
            JsonNode v = e.getValue();
            if (o.arity().max() == 0) {
                // a flag (--pack): true sets it, false leaves it off; "--pack true" would not parse
                if (!v.isBoolean()) throw new IllegalArgumentException(config + ": " + e.getKey() + " is a flag: expected true or false, got " + v);
                if (v.asBoolean()) args.add("--" + e.getKey());
                continue;
            }
            if (!v.isValueNode() || v.isNull()) {
                throw new IllegalArgumentException(config + ": " + e.getKey() + ": expected one value, got " + v);
            }
            args.add("--" + e.getKey());
            args.add(v.isTextual() ? v.asText() : v.toString());
        }
        // the file's values alone first, so that a bad one is reported with the file's name
        try {
            new CommandLine(spec.userObject().getClass().getDeclaredConstructor().newInstance()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(config + ": " + e.getMessage());
        }
        // The command line's own options, rebuilt from what this command matched: its
        // ParseResult's originalArgs() is the whole line, "calx"'s options and the subcommand's
        // name included, which the rerun below would reject.
        CommandLine cl = new CommandLine(spec.userObject().getClass().getDeclaredConstructor().newInstance());
        cl.setCommandName(spec.qualifiedName());
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String opt = o.longestName();
            // --backend (an option of calx, inherited) was applied before this command ran.
            if (opt.equals("--config") || cl.getCommandSpec().findOption(opt) == null) continue;
            if (o.arity().max() == 0) {
                args.add(opt);
            } else {
                for (String v : o.originalStringValues()) {
                    args.add(opt);
                    args.add(v);
                }
            }
        }
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
        return cl.execute(args.toArray(String[]::new));
    }
}
