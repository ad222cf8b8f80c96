package dev.calx.llama.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.BF16Weights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F16Weights;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Numerics;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Hugging Face checkpoints: {@code config.json} plus {@code model.safetensors}, or shards
 * {@code model-0000i-of-0000n.safetensors} listed in {@code model.safetensors.index.json}.
 * Tensors are memory-mapped and used in place: q_proj and k_proj keep HF's rotate-half row order
 * ({@link LlamaWeights#hfRopeOrder()}), so nothing is copied; weights in the interleaved order
 * are permuted into HF's order on write (see {@link RopePermutation}).
 */
public final class HfCheckpoint {
    static final ObjectMapper JSON = StrictJson.mapper();
    /** The {@link LlamaModel#metadata()} key of the raw config.json text of a loaded HF model. */
    public static final String CONFIG_TEXT = "hf.config.json";
    static final String INDEX = "model.safetensors.index.json", SINGLE = "model.safetensors";
    /** The names {@link #write} gives its files (and transformers' save_pretrained its model files). */
    private static final Pattern MODEL_FILE = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors|model\\.safetensors");

    private HfCheckpoint() {}

    private static Path dirOf(Path path) {
        return Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    }

    /**
     * Parses config.json into a LlamaConfig, rejecting what this implementation does not do
     * (a model_type other than llama, an activation other than silu, rope_scaling, biases, a
     * head_dim that is not hidden_size / num_attention_heads). Missing optional fields take
     * transformers' defaults.
     *
     * @param path the checkpoint directory, or any file in it
     * @return the hyper-parameters
     * @throws CheckpointException when config.json is missing, not valid JSON, lacks a required
     *                             field, or describes an unsupported or inconsistent model
     * @throws IOException when it cannot be read
     */
    public static LlamaConfig readConfig(Path path) throws IOException {
        return parseConfig(dirOf(path).resolve("config.json"));
    }

    static LlamaConfig parseConfig(Path cfg) throws IOException {
        return parseConfig(cfg, configText(cfg));
    }

    /** config.json's text, which must be valid UTF-8. */
    static String configText(Path cfg) throws IOException {
        if (!Files.exists(cfg)) throw new CheckpointException(cfg, "missing config.json");
        return StrictUtf8.read(cfg, "the model config");
    }

    static LlamaConfig parseConfig(Path cfg, String text) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(StrictUtf8.withoutBom(text));
        } catch (IOException e) {
            throw CheckpointException.badJson(cfg, "the model config", e);
        }
        if (n == null || !n.isObject()) throw new CheckpointException(cfg, "not a JSON object");
        String type = n.path("model_type").asText("llama");
        if (!type.equals("llama")) throw new CheckpointException(cfg, "model_type is '" + type + "', expected 'llama'");
        String act = n.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new CheckpointException(cfg, "hidden_act is '" + act + "', only 'silu' (SwiGLU) is supported");
        if (n.hasNonNull("rope_scaling")) throw new CheckpointException(cfg, "rope_scaling " + n.get("rope_scaling") + " is not supported");
        if (optBool(n, "attention_bias", false, cfg) || optBool(n, "mlp_bias", false, cfg)) {
            throw new CheckpointException(cfg, "attention_bias / mlp_bias are not supported (Llama-2 has no biases)");
        }
        int heads = req(n, "num_attention_heads", cfg), hidden = req(n, "hidden_size", cfg);
        if (n.hasNonNull("head_dim") && (long) optInt(n, "head_dim", 0, cfg) * heads != hidden) {
            throw new CheckpointException(cfg, "head_dim " + n.get("head_dim") + " times num_attention_heads " + heads
                    + " differs from hidden_size " + hidden);
        }
        JsonNode eos = n.path("eos_token_id");
        int eosId;
        if (eos.isArray()) {
            if (eos.isEmpty() || !isInt(eos.get(0))) throw new CheckpointException(cfg, "field eos_token_id = " + eos + " does not start with an integer id");
            eosId = eos.get(0).asInt();
        } else {
            eosId = optInt(n, "eos_token_id", 2, cfg);
        }
        try {
            return new LlamaConfig(hidden, req(n, "intermediate_size", cfg), req(n, "num_hidden_layers", cfg), heads,
                    optInt(n, "num_key_value_heads", heads, cfg), req(n, "vocab_size", cfg),
                    (float) optReal(n, "rms_norm_eps", 1e-6, cfg), (float) optReal(n, "rope_theta", 10000, cfg),
                    optInt(n, "max_position_embeddings", 2048, cfg), optBool(n, "tie_word_embeddings", false, cfg),
                    optInt(n, "bos_token_id", 1, cfg), eosId);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(cfg, "inconsistent config: " + e.getMessage());
        }
    }

    /** A JSON integer that fits an int (not 12.5, not "12", not 2^32 + 12). */
    private static boolean isInt(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToInt();
    }

    private static int req(JsonNode n, String field, Path cfg) throws CheckpointException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new CheckpointException(cfg, "missing field " + field);
        if (!isInt(v)) throw new CheckpointException(cfg, "field " + field + " = " + v + " is not an integer");
        return v.asInt();
    }

    /** An optional integer: the default when absent or null, an error when it is something else. */
    private static int optInt(JsonNode n, String field, int dflt, Path cfg) throws CheckpointException {
        return n.hasNonNull(field) ? req(n, field, cfg) : dflt;
    }

    private static double optReal(JsonNode n, String field, double dflt, Path cfg) throws CheckpointException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new CheckpointException(cfg, "field " + field + " = " + v + " is not a number");
        return v.asDouble();
    }

    private static boolean optBool(JsonNode n, String field, boolean dflt, Path cfg) throws CheckpointException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new CheckpointException(cfg, "field " + field + " = " + v + " is not true or false");
        return v.asBoolean();
    }

    /** The safetensors files of a checkpoint directory and which file holds each tensor. */
    static Map<String, Path> weightMap(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        Map<String, Path> map = new LinkedHashMap<>();
        if (Files.exists(index)) {
            JsonNode wm;
            String text = StrictUtf8.withoutBom(StrictUtf8.read(index, "the index"));
            try {
                JsonNode root = JSON.readTree(text);
                wm = root == null ? null : root.get("weight_map");
            } catch (IOException e) {
                throw CheckpointException.badJson(index, "the index", e);
            }
            if (wm == null || !wm.isObject()) throw new CheckpointException(index, "missing weight_map object");
            for (var it = wm.fields(); it.hasNext(); ) {
                var e = it.next();
                String file = e.getValue().asText();
                if (file.contains("/") || file.contains("\\")) throw new CheckpointException(index, "shard name '" + file + "' is not a plain file name");
                map.put(e.getKey(), dir.resolve(file));
            }
            return map;
        }
        if (!Files.exists(dir.resolve(SINGLE))) {
            throw new CheckpointException(dir, "neither " + SINGLE + " nor " + INDEX + " found");
        }
        map.put("*", dir.resolve(SINGLE));
        return map;
    }

    /**
     * The safetensors files a load of this checkpoint reads: those named by
     * model.safetensors.index.json when there is one (other .safetensors files in the directory
     * are not part of the checkpoint), else model.safetensors.
     *
     * @param path the checkpoint directory, or any file in it
     * @return the files, each once, in the order the index first names them
     * @throws CheckpointException when there is neither an index nor model.safetensors, the index
     *                             is malformed, or a file it names is missing
     * @throws IOException when the index cannot be read
     */
    public static List<Path> safetensorsFiles(Path path) throws IOException {
        List<Path> files = new ArrayList<>(new LinkedHashSet<>(weightMap(dirOf(path)).values()));
        for (Path p : files) {
            if (!Files.exists(p)) throw new CheckpointException(p, "shard listed in " + INDEX + " is missing");
        }
        return files;
    }

    /**
     * Loads a Hugging Face checkpoint with its matrices memory-mapped in place (F32, BF16 or
     * F16; q_proj/k_proj kept in HF's row order) and its norm vectors copied to fp32. Unused
     * {@code rotary_emb.inv_freq} tensors and a redundant lm_head of a tied model are ignored;
     * any other unknown tensor is an error. The metadata holds {@link #CONFIG_TEXT},
     * {@code hf.safetensors.metadata} and {@code hf.sharded}.
     *
     * @param path the checkpoint directory, or any file in it
     * @return the model, owning the mappings (close it)
     * @throws CheckpointException when config.json or a safetensors file is malformed, a shard is
     *                             missing, or a tensor is missing, duplicated, unexpected or of the wrong shape
     * @throws IOException when a file cannot be read
     */
    public static LlamaModel read(Path path) throws IOException {
        Path dir = dirOf(path);
        String configText = configText(dir.resolve("config.json"));
        LlamaConfig c = parseConfig(dir.resolve("config.json"), configText);
        Arena arena = Arena.ofShared();
        try {
            Map<String, Path> wm = weightMap(dir);
            Map<Path, Safetensors.File> files = new LinkedHashMap<>();
            Map<String, Safetensors.File> owner = new HashMap<>();
            for (Path p : new LinkedHashSet<>(wm.values())) {
                if (!Files.exists(p)) throw new CheckpointException(p, "shard listed in " + INDEX + " is missing");
                Safetensors.File f = Safetensors.read(MappedFile.map(p, arena));
                files.put(p, f);
                for (String name : f.entries().keySet()) {
                    if (owner.put(name, f) != null) throw new CheckpointException(p, name, "appears in more than one shard");
                }
            }
            for (String name : owner.keySet()) {
                if (name.endsWith("rotary_emb.inv_freq") || (name.equals(LlamaWeights.LM_HEAD) && c.tieWordEmbeddings())) continue;
                try {
                    LlamaWeights.shapeOf(c, name);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(owner.get(name).file().path(), name, "unexpected tensor: " + e.getMessage());
                }
            }
            DType[] vecType = {DType.F32};
            LlamaWeights w = LlamaWeights.load(c, new LlamaWeights.Source() {
                @Override
                public WeightMatrix matrix(String name, int rows, int cols) {
                    try {
                        Safetensors.Entry e = entry(name, new long[]{rows, cols});
                        MemorySegment s = owner.get(name).data(e);
                        WeightMatrix m = switch (e.dtype()) {
                            case "F32" -> F32Weights.of(s, rows, cols);
                            case "BF16" -> new BF16Weights(s, rows, cols);
                            case "F16" -> new F16Weights(s, rows, cols);
                            default -> throw new AssertionError(e.dtype());
                        };
                        return m;
                    } catch (CheckpointException ex) {
                        throw new Unchecked(ex);
                    }
                }

                @Override
                public Tensor vector(String name, int n) {
                    try {
                        Safetensors.Entry e = entry(name, new long[]{n});
                        if (name.equals(LlamaWeights.NORM)) vecType[0] = Safetensors.dtype(e.dtype());
                        return Tensor.wrap(toFloats(owner.get(name).data(e), e.dtype(), n), new int[]{n});
                    } catch (CheckpointException ex) {
                        throw new Unchecked(ex);
                    }
                }

                private Safetensors.Entry entry(String name, long[] shape) throws CheckpointException {
                    Safetensors.File f = owner.get(name);
                    if (f == null) throw new CheckpointException(dir, name, "missing from the checkpoint");
                    Safetensors.Entry e = f.entries().get(name);
                    if (!java.util.Arrays.equals(e.shape(), shape)) {
                        throw new CheckpointException(f.file().path(), name, "expected shape " + java.util.Arrays.toString(shape)
                                + " from config.json but found " + java.util.Arrays.toString(e.shape()));
                    }
                    return e;
                }
            }, DType.F32);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put(CONFIG_TEXT, configText);
            Safetensors.File first = files.values().iterator().next();
            meta.put("hf.safetensors.metadata", first.metadata());
            meta.put("hf.sharded", wm.size() > 1 || !wm.containsKey("*"));
            LlamaModel m = new LlamaModel(w.withVectorDType(vecType[0]).withHfRopeOrder(true), LlamaModel.Format.HF, dir, arena, meta);
            return m;
        } catch (Unchecked u) {
            arena.close();
            throw u.getCause();
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static float[] toFloats(MemorySegment s, String dtype, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "F32" -> s.get(MappedFile.LE_FLOAT, 4L * i);
                case "BF16" -> Numerics.bf16ToFloat(s.get(MappedFile.LE_SHORT, 2L * i));
                case "F16" -> Numerics.f16ToFloat(s.get(MappedFile.LE_SHORT, 2L * i));
                default -> throw new AssertionError(dtype);
            };
        }
        return out;
    }

    /** Carries a checked exception through the weight-source callbacks. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(CheckpointException e) {
            super(e);
        }

        @Override
        public synchronized CheckpointException getCause() {
            return (CheckpointException) super.getCause();
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes config.json and the safetensors file(s) into dir. Matrices keep their storage
     * dtype (Q8_0 is dequantized to F32, which safetensors can hold exactly); norm vectors use
     * the weights' vector dtype. configText, when non-null and describing the same config, is
     * written verbatim (so a checkpoint read from HF keeps its config.json byte for byte).
     * Files larger than maxShardBytes are split into shards with an index.
     * Each file is written to a temporary file and renamed, but the checkpoint as a whole is not
     * atomic; the config is written last.
     *
     * @param w             the weights, in either RoPE order
     * @param dir           the checkpoint directory, created if needed; files of the same names are
     *                      replaced, and the model files this write does not produce (the index, and
     *                      any {@code model.safetensors} or {@code model-XXXXX-of-YYYYY.safetensors}
     *                      left by an earlier write) are deleted once the new ones are in place;
     *                      other files are left alone
     * @param configText    the original config.json text to keep, or null to generate one; it is
     *                      parsed to compare it with the weights' config (and dropped when they differ)
     * @param metadata      the safetensors {@code __metadata__}, or null for {@code {"format": "pt"}}
     * @param maxShardBytes the most tensor bytes in one file; a larger total is sharded as
     *                      {@code model-0000i-of-0000n.safetensors} (a single tensor larger than this gets its own shard)
     * @throws CheckpointException when configText is given but is not a config.json that
     *                             {@link #readConfig} accepts
     * @throws IOException when a file cannot be written
     */
    public static void write(LlamaWeights w, Path dir, String configText, Map<String, String> metadata, long maxShardBytes)
            throws IOException {
        Files.createDirectories(dir);
        LlamaConfig c = w.config();
        String cfg = configText;
        if (cfg != null) {
            Path tmp = Files.createTempFile("calx-config", ".json");
            try {
                Files.writeString(tmp, cfg);
                if (!parseConfig(tmp).equals(c)) cfg = null;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        if (cfg == null) cfg = configJson(c, w.storageDType() == DType.Q8_0 ? DType.F32 : w.storageDType());
        try (Arena arena = Arena.ofConfined()) {
            List<Safetensors.Out> outs = new ArrayList<>();
            for (var e : w.named().entrySet()) {
                String name = e.getKey();
                if (e.getValue() instanceof WeightMatrix m) {
                    if (m.dtype() == DType.Q8_0) m = WeightMatrix.convert(m.toTensor(), DType.F32);
                    if (!w.hfRopeOrder() && (name.endsWith("self_attn.q_proj.weight") || name.endsWith("self_attn.k_proj.weight"))) {
                        m = RopePermutation.toHf(m, c.headDim(), arena);
                    }
                    outs.add(new Safetensors.Out(name, Safetensors.dtypeName(m.dtype()), new long[]{m.rows(), m.cols()}, m.segment()));
                } else {
                    Tensor t = (Tensor) e.getValue();
                    outs.add(new Safetensors.Out(name, Safetensors.dtypeName(w.vectorDType()), new long[]{t.size()},
                            vectorBytes(t, w.vectorDType(), arena)));
                }
            }
            Map<String, String> meta = metadata == null ? Map.of("format", "pt") : metadata;
            long total = outs.stream().mapToLong(o -> o.bytes().byteSize()).sum();
            if (total <= maxShardBytes) {
                Safetensors.write(dir.resolve(SINGLE), outs, meta);
                Files.deleteIfExists(dir.resolve(INDEX));
                removeOtherModelFiles(dir, Set.of(SINGLE));
            } else {
                List<List<Safetensors.Out>> shards = new ArrayList<>();
                long size = 0;
                for (Safetensors.Out o : outs) {
                    long n = o.bytes().byteSize();
                    if (shards.isEmpty() || size + n > maxShardBytes && size > 0) {
                        shards.add(new ArrayList<>());
                        size = 0;
                    }
                    shards.getLast().add(o);
                    size += n;
                }
                Map<String, String> weightMap = new TreeMap<>();
                for (int i = 0; i < shards.size(); i++) {
                    String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                    Safetensors.write(dir.resolve(file), shards.get(i), meta);
                    for (Safetensors.Out o : shards.get(i)) weightMap.put(o.name(), file);
                }
                writeText(dir.resolve(INDEX), indexJson(total, weightMap));
                removeOtherModelFiles(dir, new HashSet<>(weightMap.values())); // model.safetensors too
            }
        }
        writeText(dir.resolve("config.json"), cfg);
    }

    /**
     * Deletes the model files ({@link #MODEL_FILE}) of dir not in keep: shards of an earlier write
     * with another shard count, which a reader of the directory (or a user) could take for part of
     * this checkpoint. Called after the new files and index are written.
     */
    private static void removeOtherModelFiles(Path dir, Set<String> keep) throws IOException {
        List<Path> stale;
        try (Stream<Path> s = Files.list(dir)) {
            stale = s.filter(p -> {
                String n = p.getFileName().toString();
                return MODEL_FILE.matcher(n).matches() && !keep.contains(n);
            }).toList();
        }
        for (Path p : stale) Files.deleteIfExists(p);
    }

    static MemorySegment vectorBytes(Tensor t, DType dt, Arena arena) {
        float[] v = t.toArray();
        MemorySegment s = arena.allocate((long) v.length * (dt == DType.F32 ? 4 : 2), 64);
        for (int i = 0; i < v.length; i++) {
            switch (dt) {
                case F32 -> s.set(MappedFile.LE_FLOAT, 4L * i, v[i]);
                case BF16 -> s.set(MappedFile.LE_SHORT, 2L * i, Numerics.floatToBf16(v[i]));
                case F16 -> s.set(MappedFile.LE_SHORT, 2L * i, Numerics.floatToF16(v[i]));
                case Q8_0 -> throw new IllegalArgumentException("norm vectors cannot be Q8_0");
            }
        }
        return s;
    }

    /** model.safetensors.index.json as transformers writes it (json.dumps(indent=2, sort_keys=True) + newline). */
    static String indexJson(long total, Map<String, String> weightMap) throws IOException {
        StringBuilder b = new StringBuilder("{\n  \"metadata\": {\n    \"total_size\": ").append(total).append("\n  },\n  \"weight_map\": {\n");
        int i = 0;
        for (var e : weightMap.entrySet()) {
            b.append("    ").append(JSON.writeValueAsString(e.getKey())).append(": ").append(JSON.writeValueAsString(e.getValue()))
                    .append(++i < weightMap.size() ? ",\n" : "\n");
        }
        return b.append("  }\n}\n").toString();
    }

    /**
     * A config.json for a model that did not come with one (fields sorted, two-space indent).
     *
     * @param c     the hyper-parameters
     * @param dtype the {@code torch_dtype} to declare (F32 for Q8_0)
     * @return the JSON text, ending with a newline
     * @throws IOException when JSON serialization fails (not expected)
     */
    public static String configJson(LlamaConfig c, DType dtype) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("bos_token_id", c.bosTokenId());
        n.put("eos_token_id", c.eosTokenId());
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.hiddenSize());
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", c.maxPositionEmbeddings());
        n.put("model_type", "llama");
        n.put("num_attention_heads", c.numAttentionHeads());
        n.put("num_hidden_layers", c.numHiddenLayers());
        n.put("num_key_value_heads", c.numKeyValueHeads());
        n.put("rms_norm_eps", Double.parseDouble(Float.toString(c.rmsNormEps())));
        n.put("rope_theta", Double.parseDouble(Float.toString(c.ropeTheta())));
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        n.put("torch_dtype", switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        });
        n.put("vocab_size", c.vocabSize());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    }

    private static void writeText(Path p, String text) throws IOException {
        try (LeWriter w = new LeWriter(p)) {
            w.bytes(text.getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
    }
}
