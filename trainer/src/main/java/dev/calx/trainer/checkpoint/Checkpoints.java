package dev.calx.trainer.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.StrictUtf8;
import dev.calx.tensor.Tensor;
import dev.calx.trainer.io.AtomicFiles;
import dev.calx.trainer.optim.AdamW;
import dev.calx.trainer.optim.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoint directories {@code OUT/checkpoint-<step>/}: the model files (written by the caller:
 * {@code config.json} and {@code model.safetensors}), {@code trainer_state.json} and
 * {@code optimizer.safetensors} (AdamW's {@code exp_avg.<name>} and {@code exp_avg_sq.<name>}).
 * A checkpoint is built in a temporary directory and renamed into place, so a crash leaves
 * either the whole checkpoint or none; one that replaces a checkpoint of the same step first
 * renames the old one aside ({@code .old-checkpoint-<step>}), and {@link #removeTemporaries}
 * puts it back when a crash came before the new one was in place. Only the last {@code keep}
 * are kept.
 */
public final class Checkpoints {
    /** File name of the {@link TrainerState} JSON in a checkpoint; only directories that have it count as checkpoints. */
    public static final String STATE = "trainer_state.json";
    /** File name of AdamW's moments in a checkpoint (F32 safetensors, step count in the metadata). */
    public static final String OPTIMIZER = "optimizer.safetensors";
    private static final ObjectMapper JSON = StrictJson.mapper();
    /** Reads the trainer state as it was written: no "7" for 7.0, no 12.5 for a step. */
    private static final ObjectMapper STATE_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    /** A checkpoint directory's name: the step, in at most 18 digits (a long). */
    private static final String CHECKPOINT_NAME = "checkpoint-\\d{1,18}";
    /** Name prefix (then the step) of a checkpoint renamed aside while a new one of its step moves in. */
    private static final String ASIDE_PREFIX = ".old-checkpoint-";

    private Checkpoints() { }

    /** Writes the model files of a checkpoint into a directory. */
    public interface ModelWriter {
        /**
         * Writes the model files.
         *
         * @param dir the checkpoint directory being built (exists; renamed into place afterwards)
         * @throws IOException when a file cannot be written
         */
        void write(Path dir) throws IOException;
    }

    /**
     * Writes {@code out/checkpoint-<step>} atomically, replacing a checkpoint of the same step,
     * then deletes all but the newest {@code keep} checkpoints. A checkpoint being replaced is
     * renamed aside, the new one renamed into place, and only then the old one deleted: when
     * the second rename fails the old one is renamed back, and after a crash between the two
     * {@link #removeTemporaries} restores it.
     *
     * @param out    the output directory (created when needed)
     * @param st     the trainer state; its step names the directory
     * @param opt    the optimizer whose moments and step count are saved
     * @param shapes each parameter's shape by name, for the moment tensors (every name in the
     *               optimizer's state must have one)
     * @param model  writes the model files
     * @param keep   how many checkpoints to keep; at least 1 is always kept
     * @return the checkpoint directory
     * @throws IOException when a file cannot be written, moved or deleted (the temporary directory
     *                     is removed, and a checkpoint being replaced is kept)
     */
    public static Path save(Path out, TrainerState st, AdamW opt, Map<String, int[]> shapes, ModelWriter model, int keep)
            throws IOException {
        return save(out, st, opt, shapes, model, keep, (a, b) -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE));
    }

    /** Renames a directory atomically; tests pass one that fails, standing for a full disk or a crash. */
    interface Mover {
        /**
         * Renames {@code from} to {@code to}.
         *
         * @param from the directory to rename
         * @param to   its new path (absent)
         * @throws IOException when the rename fails
         */
        void move(Path from, Path to) throws IOException;
    }

    /** {@link #save(Path, TrainerState, AdamW, Map, ModelWriter, int)} with the renames done by {@code mover}. */
    static Path save(Path out, TrainerState st, AdamW opt, Map<String, int[]> shapes, ModelWriter model, int keep, Mover mover)
            throws IOException {
        Files.createDirectories(out);
        Path finalDir = out.resolve("checkpoint-" + st.step());
        // not Files.createTempDirectory: its rwx------ would become the finished checkpoint's mode
        Path tmp = dev.calx.llama.format.TempFiles.createDirectoryIn(out, ".tmp-checkpoint-" + st.step() + "-");
        try {
            model.write(tmp);
            Map<String, Tensor> moments = new LinkedHashMap<>();
            for (var e : opt.state().entrySet()) {
                int[] shape = shapes.get(e.getKey());
                moments.put("exp_avg." + e.getKey(), Tensor.wrap(e.getValue().m(), shape));
                moments.put("exp_avg_sq." + e.getKey(), Tensor.wrap(e.getValue().v(), shape));
            }
            TensorFiles.write(tmp.resolve(OPTIMIZER), moments, Map.of("adamw_step", Long.toString(opt.step())));
            AtomicFiles.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(st) + "\n");
            Path aside = out.resolve(ASIDE_PREFIX + st.step());
            if (Files.exists(aside)) repairAside(aside, finalDir); // left by an earlier crash
            boolean replacing = Files.exists(finalDir);
            if (replacing) mover.move(finalDir, aside);
            try {
                mover.move(tmp, finalDir);
            } catch (IOException | RuntimeException e) {
                if (replacing) {
                    try {
                        mover.move(aside, finalDir);
                    } catch (IOException | RuntimeException back) {
                        e.addSuppressed(back); // removeTemporaries puts it back when the next run starts
                    }
                }
                throw e;
            }
            if (replacing) deleteTree(aside);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
        prune(out, keep);
        return finalDir;
    }

    /**
     * Cleans up after a killed run; called when a run starts, before it writes anything. Deletes
     * the temporary directories it left behind (a checkpoint it was writing when it died), and
     * for a checkpoint it had renamed aside to replace it: puts it back as
     * {@code checkpoint-<step>} when the replacement never arrived, else deletes it.
     *
     * @param out the output directory; nothing happens when it does not exist
     * @throws IOException when a directory cannot be listed, renamed or deleted
     */
    public static void removeTemporaries(Path out) throws IOException {
        if (!Files.isDirectory(out)) return;
        List<Path> entries;
        try (Stream<Path> s = Files.list(out)) {
            entries = s.toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (name.startsWith(".tmp-checkpoint-")) {
                deleteTree(p);
            } else if (name.matches(java.util.regex.Pattern.quote(ASIDE_PREFIX) + "\\d+")) {
                repairAside(p, out.resolve("checkpoint-" + name.substring(ASIDE_PREFIX.length())));
            }
        }
    }

    /** A checkpoint renamed aside: deleted when its replacement is in place, else put back. */
    private static void repairAside(Path aside, Path original) throws IOException {
        if (Files.exists(original.resolve(STATE))) {
            deleteTree(aside);
        } else {
            if (Files.exists(original)) deleteTree(original); // not a checkpoint (no state file)
            Files.move(aside, original, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Checkpoint directories under out, oldest first.
     *
     * @param out the output directory
     * @return the {@code checkpoint-<step>} directories that hold a {@link #STATE} file, by
     *         increasing step; empty when {@code out} does not exist
     * @throws IOException when {@code out} cannot be listed
     */
    public static List<Path> list(Path out) throws IOException {
        if (!Files.isDirectory(out)) return List.of();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            s.filter(p -> p.getFileName().toString().matches(CHECKPOINT_NAME) && Files.exists(p.resolve(STATE))).forEach(dirs::add);
        }
        dirs.sort(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring("checkpoint-".length()))));
        return dirs;
    }

    /**
     * The checkpoint a run resumes from.
     *
     * @param out the output directory
     * @return the checkpoint with the highest step, or empty when there is none
     * @throws IOException when {@code out} cannot be listed
     */
    public static Optional<Path> latest(Path out) throws IOException {
        List<Path> l = list(out);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getLast());
    }

    /**
     * Reads a checkpoint's trainer state.
     *
     * @param dir the checkpoint directory
     * @return the state
     * @throws IOException when the file cannot be read or parsed, lacks a field (only {@code pack}
     *                     may be absent), holds a value of another JSON type (a string for a
     *                     number, a fraction for an integer), was written with another
     *                     {@link TrainerState#VERSION}, has a step other than its directory's
     *                     name, or a negative step, epoch, batch or token count
     */
    public static TrainerState readState(Path dir) throws IOException {
        Path file = dir.resolve(STATE);
        TrainerState st;
        try {
            String b = StrictUtf8.withoutBom(StrictUtf8.read(file, "the trainer state"));
            JsonNode n = STATE_JSON.readTree(b);
            if (n == null || !n.isObject()) throw new IOException(file + ": the trainer state is not a JSON object");
            // a missing field would read as 0 (the epoch, the batch in it) and resume somewhere else
            for (var c : TrainerState.class.getRecordComponents()) {
                if (!c.getName().equals("pack") && (!n.has(c.getName()) || n.get(c.getName()).isNull())) {
                    throw new IOException(file + ": the trainer state has no " + c.getName());
                }
            }
            st = STATE_JSON.readValue(b, TrainerState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw dev.calx.llama.CheckpointException.badJson(file, "the trainer state", e);
        }
        if (st.version() != TrainerState.VERSION) {
            throw new IOException(file + ": trainer state version " + st.version() + ", expected " + TrainerState.VERSION);
        }
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (name.matches(CHECKPOINT_NAME) && st.step() != Long.parseLong(name.substring("checkpoint-".length()))) {
            throw new IOException(file + ": the trainer state is at step " + st.step() + " but its directory is " + name);
        }
        String bad = st.step() < 0 ? "step " + st.step() : st.epoch() < 0 ? "epoch " + st.epoch()
                : st.batchInEpoch() < 0 ? "batchInEpoch " + st.batchInEpoch() : st.tokensSeen() < 0 ? "tokensSeen " + st.tokensSeen()
                : st.totalSteps() < st.step() ? "totalSteps " + st.totalSteps() + " below step " + st.step() : null;
        if (bad != null) throw new IOException(file + ": the trainer state has an impossible " + bad);
        return st;
    }

    /**
     * Restores AdamW's moments and step from a checkpoint.
     *
     * @param dir  the checkpoint directory
     * @param opt  the optimizer; its whole state is replaced
     * @param step the step count to restore (the trainer passes the state's step; the file's
     *             {@code adamw_step} metadata is not read)
     * @param params the model's parameters: each must have both moments, of its shape, and no
     *               other tensor may be in the file
     * @throws IOException when the file cannot be read, holds a non-F32 tensor, a tensor that is
     *                     not a moment of one of params, lacks a moment, has one of another
     *                     shape, or holds a non-finite first moment or a second moment that is
     *                     negative, NaN or infinite (the message names the tensor and element)
     */
    public static void restoreOptimizer(Path dir, AdamW opt, long step, List<Param> params) throws IOException {
        Path file = dir.resolve(OPTIMIZER);
        Map<String, Tensor> t = TensorFiles.read(file);
        Map<String, AdamW.Moments> moments = new LinkedHashMap<>();
        for (String key : t.keySet()) {
            String name = key.startsWith("exp_avg.") ? key.substring("exp_avg.".length())
                    : key.startsWith("exp_avg_sq.") ? key.substring("exp_avg_sq.".length()) : null;
            if (name == null) throw new IOException(file + ": " + key + " is neither an exp_avg nor an exp_avg_sq tensor");
            if (params.stream().noneMatch(p -> p.name().equals(name))) {
                throw new IOException(file + ": " + key + " belongs to no parameter of the model");
            }
        }
        for (Param p : params) {
            Tensor m = t.get("exp_avg." + p.name()), v = t.get("exp_avg_sq." + p.name());
            if (m == null || v == null) {
                throw new IOException(file + ": " + (m == null ? "exp_avg." : "exp_avg_sq.") + p.name() + " is missing");
            }
            for (Tensor x : new Tensor[] {m, v}) {
                if (!java.util.Arrays.equals(x.shape(), p.value().shape())) {
                    throw new IOException(file + ": " + (x == m ? "exp_avg." : "exp_avg_sq.") + p.name() + " has shape "
                            + java.util.Arrays.toString(x.shape()) + " but the parameter has " + java.util.Arrays.toString(p.value().shape()));
                }
            }
            float[] md = m.data(), vd = v.data();
            for (int i = 0; i < md.length; i++) {
                // a second moment is a running mean of squares: never negative, never NaN
                if (!Float.isFinite(md[i]) || !(vd[i] >= 0) || vd[i] == Float.POSITIVE_INFINITY) {
                    boolean first = !Float.isFinite(md[i]);
                    throw new IOException(file + ": " + (first ? "exp_avg." : "exp_avg_sq.") + p.name() + " holds "
                            + (first ? md[i] : vd[i]) + " at element " + i + " (a corrupt file?)");
                }
            }
            moments.put(p.name(), new AdamW.Moments(md, vd));
        }
        opt.restore(step, moments);
    }

    static void prune(Path out, int keep) throws IOException {
        List<Path> l = list(out);
        for (int i = 0; i < l.size() - Math.max(1, keep); i++) deleteTree(l.get(i));
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
