package dev.calx.llama.format;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.ModelInfo;
import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rewriting a checkpoint directory leaves only the new checkpoint's model files; ModelInfo counts what a load reads. */
class HfCheckpointTest {
    @TempDir
    Path tmp;

    static final LlamaConfig C = new LlamaConfig(64, 96, 2, 4, 1, 40, 1e-5f, 10000f, 16, false, 1, 2);

    static long sizes(Path dir, List<String> names) throws IOException {
        long n = 0;
        for (String f : names) n += Files.size(dir.resolve(f));
        return n;
    }

    @Test
    void aRewriteRemovesTheShardsOfAnEarlierWriteButNoOtherFile() throws IOException {
        LlamaWeights w = LlamaWeights.random(C, DType.F32, 3);
        Path dir = tmp.resolve("m");
        HfCheckpoint.write(w, dir, null, null, 20000);
        List<String> many = RoundTripTest.files(dir).stream().filter(f -> f.startsWith("model-")).toList();
        assertTrue(many.size() >= 4, "the first write has many shards: " + many);
        Files.writeString(dir.resolve("adapter.safetensors"), "not a model shard");
        Files.writeString(dir.resolve("model-00001-of-00002.safetensors.bak"), "a backup");
        Files.writeString(dir.resolve("README.md"), "notes");

        HfCheckpoint.write(w, dir, null, null, 60000);
        List<String> fewer = RoundTripTest.files(dir).stream().filter(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        assertTrue(fewer.size() >= 2 && fewer.size() < many.size(), fewer.toString());
        for (int i = 0; i < fewer.size(); i++) {
            assertEquals(String.format("model-%05d-of-%05d.safetensors", i + 1, fewer.size()), fewer.get(i));
        }
        assertTrue(Files.exists(dir.resolve("adapter.safetensors")) && Files.exists(dir.resolve("README.md"))
                && Files.exists(dir.resolve("model-00001-of-00002.safetensors.bak")), "files that are not model shards stay");
        ModelInfo info = ModelInfo.of(dir);
        assertEquals(sizes(dir, fewer), info.fileBytes(), "the shards the index names");

        HfCheckpoint.write(w, dir, null, null, Long.MAX_VALUE);
        assertEquals(List.of("README.md", "adapter.safetensors", "config.json", "model-00001-of-00002.safetensors.bak",
                "model.safetensors"), RoundTripTest.files(dir), "a single-file write removes every shard and the index");
        assertEquals(Files.size(dir.resolve("model.safetensors")), ModelInfo.of(dir).fileBytes());
        try (LlamaModel m = LlamaModel.load(dir)) {
            assertEquals(C, m.config());
        }
    }

    @Test
    void modelInfoReadsTheFilesTheIndexNamesNotEverySafetensorsFile() throws IOException {
        Path dir = tmp.resolve("b");
        HfCheckpoint.write(LlamaWeights.random(C, DType.BF16, 4), dir, null, null, 20000);
        List<String> shards = RoundTripTest.files(dir).stream().filter(f -> f.endsWith(".safetensors")).toList();
        // a stray F32 checkpoint file that the index does not name (and a write would not remove)
        Path other = tmp.resolve("other");
        HfCheckpoint.write(LlamaWeights.random(C, DType.F32, 5), other, null, null, Long.MAX_VALUE);
        Files.copy(other.resolve("model.safetensors"), dir.resolve("consolidated.safetensors"));
        ModelInfo info = ModelInfo.of(dir);
        assertEquals(DType.BF16, info.storageDType(), "the dtype of the indexed embedding");
        assertEquals(sizes(dir, shards), info.fileBytes());
        assertEquals(ModelInfo.matrixBytes(C, DType.BF16), info.mappedWeightBytes());
    }
}
