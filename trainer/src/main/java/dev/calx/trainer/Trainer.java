package dev.calx.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.decode.eval.OutputLock;
import dev.calx.llama.format.StrictJson;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.checkpoint.Checkpoints;
import dev.calx.trainer.checkpoint.TrainerState;
import dev.calx.trainer.data.Batch;
import dev.calx.trainer.data.BatchSource;
import dev.calx.trainer.data.Batcher;
import dev.calx.trainer.data.Packer;
import dev.calx.trainer.data.Dataset;
import dev.calx.trainer.optim.AdamW;
import dev.calx.trainer.optim.GradClip;
import dev.calx.trainer.optim.LrSchedule;
import dev.calx.trainer.optim.Param;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The training loop of one stage: micro-batches from the deterministic {@link Batcher}, gradient
 * accumulation normalized by the trained tokens of the whole optimizer step, global-norm
 * clipping, AdamW, the LR schedule, a progress line on stderr, a JSONL metrics log, validation
 * loss, checkpoints with exact resume (a run stopped after step k and resumed gives the same
 * losses and weights as one that never stopped).
 */
public final class Trainer {
    /**
     * File name, in the output directory, of the metrics log: one JSON object per optimizer step
     * ({@code step, epoch, loss, lr, grad_norm, tokens, tokens_per_s, elapsed_s}, plus
     * {@code val_loss} and {@code val_accuracy, val_correct, val_problems, val_generation_s} at
     * evaluations). A resume drops the rows past its checkpoint.
     */
    public static final String METRICS = "metrics.jsonl";
    /** The lock file in the output directory that keeps a second run out while one trains (see {@code OutputLock}). */
    public static final String LOCK = ".calx.lock";

    private final TrainConfig cfg;
    private final TrainableModel model;
    private final Dataset train;
    private final Dataset val;
    private final Path out;
    private final PrintStream err;
    private final int padId;
    private final ObjectMapper json = StrictJson.mapper();
    private BatchSource source;
    private GenerationEval generation;

    /**
     * What a run did: the loss of each optimizer step it ran (by global step index) and where it ended.
     *
     * @param stepLosses     {@code {step, loss}} pairs (1-based global step, mean token loss) of the
     *                       steps this run executed; steps done before a resume are not included
     * @param finalStep      the global step count reached
     * @param lastCheckpoint the newest checkpoint directory written or resumed from; null when none
     * @param finished       true when every step is done; false when {@code stopAfterSteps} stopped it
     */
    public record Result(List<double[]> stepLosses, long finalStep, Path lastCheckpoint, boolean finished) { }

    /**
     * A trainer for one stage; nothing is read or written until {@link #run()}.
     *
     * @param cfg   the stage's settings
     * @param model the model, trained in place
     * @param train the training samples
     * @param val   the validation samples, or null for no validation loss
     * @param out   the output directory: checkpoints, {@link #METRICS} and loss.png (created when needed)
     * @param padId the token id written into padding slots (never trained)
     * @param err   where the progress line and notes go (stderr in the command line)
     */
    public Trainer(TrainConfig cfg, TrainableModel model, Dataset train, Dataset val, Path out, int padId, PrintStream err) {
        this.cfg = cfg;
        this.model = model;
        this.train = train;
        this.val = val;
        this.out = out;
        this.padId = padId;
        this.err = err;
    }

    /**
     * Also log generation accuracy (val_accuracy) at each evaluation.
     *
     * @param g the evaluator, run every {@code evalEvery} steps and at the last step; the caller closes it
     * @return this trainer
     */
    public Trainer withGenerationEval(GenerationEval g) {
        this.generation = g;
        return this;
    }

    /** Padded batches, or packed rows with --pack. */
    BatchSource source() {
        if (source == null) {
            source = cfg.pack() ? new Packer(train.samples(), cfg.batchSize(), cfg.maxLength(), cfg.seed(), padId)
                    : new Batcher(train.samples(), cfg.batchSize(), cfg.seed(), padId);
        }
        return source;
    }

    /**
     * "N batches per epoch, P% of the token slots padding" (epoch 0), plus the rows made when packing.
     *
     * @return the summary line (building every batch of epoch 0 once to count)
     */
    public String batchSummary() {
        long slots = 0, real = 0;
        for (Batch b : source().epoch(0)) {
            slots += (long) b.rows() * b.width();
            real += b.realTokens();
        }
        String s = source().batchesPerEpoch() + " batches per epoch, " + String.format("%.1f%%", 100.0 * (slots - real) / Math.max(1, slots))
                + " of the token slots padding";
        if (source() instanceof Packer p) {
            s += String.format("; packed %d samples into %d rows of %d tokens (%.1f%% full)", train.samples().size(), p.rowCount(),
                    cfg.maxLength(), 100 * p.fill());
        }
        return s;
    }

    /**
     * Optimizer steps per epoch: the epoch's micro-batches over {@code gradAccum}, rounded up, so
     * the last step of an epoch may accumulate fewer micro-batches.
     *
     * @return steps per epoch
     */
    public long stepsPerEpoch() {
        return (source().batchesPerEpoch() + cfg.gradAccum() - 1) / cfg.gradAccum();
    }

    /**
     * Runs (or resumes, when {@code out} holds a checkpoint) until the end or {@code stopAfterSteps}.
     * A checkpoint is saved every {@code saveEvery} steps, at the last step and when stopping; at
     * the end the loss curve is drawn into {@code out/loss.png}.
     *
     * @return the steps run and the last checkpoint
     * @throws IOException when a checkpoint or the metrics log cannot be read or written
     * @throws IllegalArgumentException when the checkpoint to resume was made with other settings
     *                                  that change the result (the message names each one, with the
     *                                  checkpoint's value and this run's)
     * @throws IllegalStateException when the estimated memory exceeds the Java heap, or a step has
     *                               no trained token
     * @throws TrainingDivergedException when a loss or gradient norm is NaN or infinite
     * @throws IOException when another run holds {@code out}'s lock ({@link #LOCK}): two trainers on
     *                     one directory would delete each other's half-saved checkpoints
     */
    public Result run() throws IOException {
        try (OutputLock lock = OutputLock.acquire(out.resolve(LOCK), "the training output " + out)) {
            return runLocked();
        }
    }

    private Result runLocked() throws IOException {
        BatchSource batches = source();
        long perEpoch = stepsPerEpoch(), total = perEpoch * cfg.epochs();
        LrSchedule sched = new LrSchedule(cfg.schedule(), LrSchedule.warmupFromRatio(cfg.warmupRatio(), total), total);
        AdamW opt = new AdamW(new AdamW.Config(cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), AdamW::decaysByDefault));
        long step = 0, tokensSeen = 0;
        int epoch = 0, batchInEpoch = 0;
        Checkpoints.removeTemporaries(out);
        Optional<Path> resume = Checkpoints.latest(out);
        if (resume.isPresent()) {
            TrainerState st = Checkpoints.readState(resume.get());
            checkCompatible(resume.get(), st, total, sched.warmupSteps());
            model.loadModelFiles(resume.get());
            checkFinite(resume.get(), model.params());
            Checkpoints.restoreOptimizer(resume.get(), opt, st.step(), model.params());
            step = st.step();
            epoch = st.epoch();
            batchInEpoch = st.batchInEpoch();
            tokensSeen = st.tokensSeen();
            trimMetrics(step);
            err.println("calx train: resuming from " + resume.get() + " at step " + step + " (epoch " + epoch + ", batch " + batchInEpoch + ")");
        } else if (Files.exists(out.resolve(METRICS))) {
            // rows of a run that left no checkpoint: this run's rows were appended after them, and
            // the loss curve drew both runs' steps 1, 2, ... as one
            Files.delete(out.resolve(METRICS));
            err.println("calx train: " + out + " holds no checkpoint: starting at step 0, without the metrics of the run before");
        }
        printMemoryEstimate();
        List<double[]> losses = new ArrayList<>();
        List<Batch> plan = batches.epoch(epoch);
        if (batchInEpoch > plan.size()) {
            // the loop would take it for the end of the epoch and go on from the next one
            throw new IOException(resume.orElseThrow().resolve(Checkpoints.STATE) + ": batchInEpoch " + batchInEpoch
                    + " is past the " + plan.size() + " batches of epoch " + epoch);
        }
        Path last = resume.orElse(null);
        long t0 = System.nanoTime(), tokensAtStart = tokensSeen, stepAtStart = step;
        double loss = Double.NaN;
        if (cfg.stopAfterSteps() > 0 && step >= cfg.stopAfterSteps() && step < total) {
            // resumed at or past the stop: running on would take one step more than asked each time
            err.println("calx train: the checkpoint is at step " + step + ", --stop-after-steps is " + cfg.stopAfterSteps()
                    + ": nothing to do");
            return new Result(losses, step, last, false);
        }
        while (step < total) {
            if (batchInEpoch >= plan.size()) {
                epoch++;
                batchInEpoch = 0;
                plan = batches.epoch(epoch);
            }
            int end = Math.min(plan.size(), batchInEpoch + cfg.gradAccum());
            List<Batch> micro = new ArrayList<>();
            for (int i = batchInEpoch; i < end; i++) micro.add(plan.get(i));
            double lr = cfg.lr() * sched.factor(step);
            StepResult r = optimizerStep(model, micro, opt, lr, cfg.maxGradNorm(), step + 1, last);
            loss = r.loss();
            double norm = r.gradNorm();
            step++;
            batchInEpoch = end;
            for (Batch b : micro) tokensSeen += b.realTokens();
            losses.add(new double[]{step, loss});
            double secs = (System.nanoTime() - t0) / 1e9;
            double tps = (tokensSeen - tokensAtStart) / Math.max(secs, 1e-9);
            ObjectNode m = json.createObjectNode();
            m.put("step", step).put("epoch", epoch).put("loss", loss).put("lr", lr).put("grad_norm", norm)
                    .put("tokens", tokensSeen).put("tokens_per_s", tps).put("elapsed_s", secs);
            boolean evalNow = cfg.evalEvery() > 0 && (step % cfg.evalEvery() == 0 || step == total);
            if (evalNow && val != null) {
                m.put("val_loss", validationLoss());
            }
            if (evalNow && generation != null) {
                GenerationEval.Result g = generation.evaluate();
                m.put("val_accuracy", g.accuracy()).put("val_correct", g.correct()).put("val_problems", g.total())
                        .put("val_generation_s", g.seconds());
            }
            appendMetrics(m);
            if (cfg.logEvery() > 0 && (step % cfg.logEvery() == 0 || step == total)) {
                progress(step, total, stepAtStart, secs, loss, lr, norm, tps, m.has("val_loss") ? m.get("val_loss").asDouble() : Double.NaN,
                        m.has("val_accuracy") ? m.get("val_accuracy").asDouble() : Double.NaN);
            }
            boolean stop = cfg.stopAfterSteps() > 0 && step >= cfg.stopAfterSteps();
            if ((cfg.saveEvery() > 0 && step % cfg.saveEvery() == 0) || step == total || stop) {
                TrainerState st = new TrainerState(TrainerState.VERSION, step, epoch, batchInEpoch, cfg.seed(), tokensSeen, cfg.lr(),
                        cfg.schedule().name().toLowerCase(java.util.Locale.ROOT), sched.warmupSteps(), total, cfg.beta1(), cfg.beta2(),
                        cfg.eps(), cfg.weightDecay(), cfg.maxGradNorm(), cfg.batchSize(), cfg.gradAccum(), cfg.maxLength(), loss, cfg.pack());
                last = Checkpoints.save(out, st, opt, model.shapes(), model::writeModelFiles, cfg.keepLast());
            }
            if (stop && step < total) {
                err.println();
                return new Result(losses, step, last, false);
            }
        }
        if (cfg.logEvery() > 0) err.println();
        try {
            LossCurve.write(out.resolve("loss.png"), out.resolve(METRICS));
        } catch (IOException e) {
            // the run is done and its checkpoint written: a damaged log costs the picture, not the run
            err.println("calx train: loss.png not drawn: " + e.getMessage());
        }
        return new Result(losses, step, last, true);
    }

    /**
     * Loss (mean over the step's trained tokens) and gradient norm before clipping.
     *
     * @param loss          the step's mean token loss, in nats
     * @param gradNorm      the global gradient norm before clipping
     * @param trainedTokens the trained tokens of all the step's micro-batches (the loss normalizer)
     */
    public record StepResult(double loss, double gradNorm, long trainedTokens) { }

    /**
     * One optimizer step over micro-batches: gradients of (sum of token losses) / (trained
     * tokens of all micro-batches), accumulated; NaN/Inf check; global-norm clipping; AdamW.
     * When it throws for a non-finite value, the weights have not been updated.
     *
     * @param model       the model
     * @param micro       the step's micro-batches
     * @param opt         the optimizer
     * @param lr          the learning rate of this update (the schedule already applied)
     * @param maxGradNorm the clipping threshold; 0 or less for none
     * @param stepNumber  the 1-based global step, for messages only
     * @param lastGood    the last good checkpoint, named in the divergence message; may be null
     * @return the step's loss, gradient norm and trained-token count
     * @throws IllegalStateException when the micro-batches have no trained token
     * @throws TrainingDivergedException when the loss or the gradient norm is NaN or infinite
     */
    public static StepResult optimizerStep(TrainableModel model, List<Batch> micro, AdamW opt, double lr, double maxGradNorm,
                                           long stepNumber, Path lastGood) {
        long count = 0;
        for (Batch b : micro) count += b.trainedTokens();
        if (count == 0) throw new IllegalStateException("step " + stepNumber + " has no trained token");
        model.zeroGrad();
        double lossSum = 0;
        for (Batch b : micro) lossSum += model.forwardBackward(b, (float) count);
        double loss = lossSum / count;
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("loss is " + loss + " at step " + stepNumber + "; the last good checkpoint is " + lastGood);
        }
        List<Param> params = model.params();
        double norm = GradClip.clip(params, maxGradNorm);
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException("gradient norm is " + norm + " at step " + stepNumber + "; the last good checkpoint is " + lastGood);
        }
        opt.update(params, lr);
        return new StepResult(loss, norm, count);
    }

    /**
     * Refuses resumed weights that are NaN or infinite: a run stops at a NaN loss before it
     * writes a checkpoint, so such weights come from a damaged file, and training on from them
     * would report a diverged loss and name this very checkpoint as the last good one.
     */
    private static void checkFinite(Path dir, List<Param> params) throws IOException {
        for (Param p : params) {
            Tensor v = p.value();
            float[] d = v.data();
            for (int i = 0, o = v.offset(), n = v.size(); i < n; i++) {
                if (!Float.isFinite(d[o + i])) {
                    throw new IOException(dir + ": the model files hold " + d[o + i] + " in " + p.name() + " at element " + i
                            + " (a corrupt checkpoint?)");
                }
            }
        }
    }

    /**
     * Refuses a resume whose settings would not give the run that the checkpoint belongs to:
     * every setting {@link TrainerState} records (data order, batching, schedule, optimizer,
     * clipping) must be the same.
     */
    private void checkCompatible(Path dir, TrainerState st, long total, long warmupSteps) {
        List<String> diffs = new ArrayList<>();
        differs(diffs, "seed", st.seed(), cfg.seed());
        differs(diffs, "batchSize", st.batchSize(), cfg.batchSize());
        differs(diffs, "gradAccum", st.gradAccum(), cfg.gradAccum());
        differs(diffs, "maxLength", st.maxLength(), cfg.maxLength());
        differs(diffs, "packing", st.pack(), cfg.pack());
        differs(diffs, "total steps", st.totalSteps(), total);
        differs(diffs, "lr", st.baseLr(), cfg.lr());
        differs(diffs, "schedule", st.schedule(), cfg.schedule().name().toLowerCase(java.util.Locale.ROOT));
        differs(diffs, "warm-up steps", st.warmupSteps(), warmupSteps);
        differs(diffs, "beta1", st.beta1(), cfg.beta1());
        differs(diffs, "beta2", st.beta2(), cfg.beta2());
        differs(diffs, "eps", st.eps(), cfg.eps());
        differs(diffs, "weightDecay", st.weightDecay(), cfg.weightDecay());
        differs(diffs, "maxGradNorm", st.maxGradNorm(), cfg.maxGradNorm());
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + dir + ": it was made with other settings ("
                    + String.join("; ", diffs) + "); use the checkpoint's settings or another --out");
        }
    }

    /** Adds "name X in the checkpoint, Y now" when the two differ (doubles compared exactly: they round-trip through JSON). */
    private static void differs(List<String> diffs, String name, Object checkpoint, Object now) {
        if (!checkpoint.equals(now)) diffs.add(name + " " + checkpoint + " in the checkpoint, " + now + " now");
    }

    /**
     * Mean token loss over the validation set, in padded batches of {@code batchSize} in a fixed
     * order, without recording gradients.
     *
     * @return the sum of the validation token losses over their trained tokens, in nats
     * @throws IllegalStateException when this trainer was built without a validation set
     */
    public double validationLoss() {
        if (val == null) throw new IllegalStateException("no validation set: this trainer was built with val = null");
        Batcher vb = new Batcher(val.samples(), cfg.batchSize(), 0, padId);
        double sum = 0;
        long n = 0;
        for (int[] idx : vb.plan(0)) {
            Batch b = vb.batch(idx);
            sum += model.evalLossSum(b);
            n += b.trainedTokens();
        }
        return sum / n;
    }

    private void printMemoryEstimate() {
        long p = 0;
        for (Param x : model.params()) p += x.value().size();
        int width = source().maxWidth();
        long weights = 4 * p, grads = 4 * p, adam = 8 * p, act = model.activationBytes(cfg.batchSize(), width);
        long totalBytes = weights + grads + adam + act, heap = Runtime.getRuntime().maxMemory();
        err.printf("calx train: memory estimate: weights %s + gradients %s + AdamW %s + activations %s (batch %d x %d) = %s; heap limit %s%n",
                mib(weights), mib(grads), mib(adam), mib(act), cfg.batchSize(), width, mib(totalBytes), mib(heap));
        if (totalBytes > heap) {
            throw new IllegalStateException("training needs about " + mib(totalBytes) + " but the Java heap is limited to " + mib(heap)
                    + ": lower --batch or --max-len, or raise -Xmx");
        }
    }

    private static String mib(long b) {
        return String.format("%.1f MiB", b / 1048576.0);
    }

    private void progress(long step, long total, long stepAtStart, double secs, double loss, double lr, double norm, double tps, double valLoss,
                          double valAcc) {
        int width = 24, filled = (int) (width * step / total);
        double eta = (step - stepAtStart) > 0 ? secs / (step - stepAtStart) * (total - step) : 0;
        err.printf("\rstep %d/%d [%s%s] %3.0f%% loss %.4f%s%s lr %.3g gnorm %.3f %.0f tok/s ETA %s   ", step, total,
                "#".repeat(filled), ".".repeat(width - filled), 100.0 * step / total, loss,
                Double.isNaN(valLoss) ? "" : String.format(" val %.4f", valLoss),
                Double.isNaN(valAcc) ? "" : String.format(" acc %.1f%%", 100 * valAcc), lr, norm, tps, duration(eta));
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }

    private void appendMetrics(ObjectNode m) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve(METRICS), json.writeValueAsString(m) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * On resume, drop metric rows past the checkpoint (they belong to the interrupted run's lost
     * steps), and a torn last row (the run was killed while appending it). A bad row before the
     * last is an error naming the file and line.
     */
    private void trimMetrics(long step) throws IOException {
        Path f = out.resolve(METRICS);
        if (!Files.exists(f)) return;
        var log = dev.calx.decode.eval.Utf8Lines.readLog(f, "a metrics row", line -> {
            JsonNode n = json.readTree(line);
            JsonNode s = n == null ? null : n.get("step");
            if (s == null || !s.canConvertToLong()) throw new IOException("no whole-number \"step\"");
            if (!n.path("loss").isNumber()) throw new IOException("no numeric \"loss\"");
            return s.asLong();
        });
        StringBuilder keep = new StringBuilder();
        for (int i = 0; i < log.lines().size(); i++) {
            if (log.values().get(i) <= step) keep.append(log.lines().get(i)).append('\n');
        }
        if (log.droppedTail() != null) err.println("calx train: dropped the torn last row of " + f + " (" + log.droppedTail() + ")");
        dev.calx.trainer.io.AtomicFiles.writeString(f, keep.toString());
    }
}
