package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.ModelInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer stored in GGUF metadata is readable without loading the weights. */
class GgufMetadataTest {
    @Test
    void tokenizerMetadataIsExposedAsWrittenByTheReferenceScript() throws IOException {
        Path p = FixtureLogitsTest.fixtures().resolve("a_f16.gguf");
        try (Arena a = Arena.ofConfined()) {
            GgufFile g = GgufFile.open(p, a);
            assertEquals(3, g.version());
            assertEquals(37, g.tokens().size());
            assertEquals("<s>", g.tokens().get(1));
            assertEquals("tok36", g.tokens().get(36));
            assertEquals(-5f, g.scores()[5]);
            assertArrayEquals(new int[]{2, 3, 3, 1}, java.util.Arrays.copyOf(g.tokenTypes(), 4));
            assertEquals("llama", g.metadata().get("tokenizer.ggml.model"));
            assertEquals(2L, g.metadata().get("tokenizer.ggml.eos_token_id"));
        }
        Map<String, Object> meta = GgufFile.readMetadata(p);
        assertEquals("calx-fixture", meta.get("general.name"));
        try (LlamaModel m = LlamaModel.load(p)) {
            assertEquals(LlamaModel.Format.GGUF, m.format());
            assertEquals(48L, m.metadata().get("llama.embedding_length"));
        }
    }

    /** The offset just past the first GGUF string (u64 length, then the bytes) equal to s. */
    static int afterString(java.nio.ByteBuffer bb, String s) {
        byte[] want = s.getBytes(java.nio.charset.StandardCharsets.UTF_8), b = bb.array();
        for (int i = 8; i + want.length <= b.length; i++) {
            if (bb.getLong(i - 8) == want.length && java.util.Arrays.equals(b, i, i + want.length, want, 0, want.length)) {
                return i + want.length;
            }
        }
        throw new AssertionError("no GGUF string \"" + s + "\" in the fixture");
    }

    @Test
    void infoNamesAnUnsupportedTensorTypeInsteadOfCallingItF32(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        byte[] b = java.nio.file.Files.readAllBytes(FixtureLogitsTest.fixtures().resolve("a_f16.gguf"));
        // the tensor info of token_embd.weight: u64 name length, name, u32 n_dims, u64 dims, u32 type
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int after = afterString(bb, "token_embd.weight");
        int nDims = bb.getInt(after);
        int typeAt = after + 4 + 8 * nDims;
        assertEquals(1, bb.getInt(typeAt), "the fixture's embedding is F16");
        bb.putInt(typeAt, 12); // GGML_TYPE_Q4_K
        Path p = tmp.resolve("q4k.gguf");
        java.nio.file.Files.write(p, b);
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(() -> ModelInfo.of(p), () -> LlamaModel.load(p).close())) {
            CheckpointException e = assertThrows(CheckpointException.class, call);
            assertTrue(e.getMessage().contains("token_embd.weight") && e.getMessage().contains("Q4_K")
                    && e.getMessage().contains("12") && e.getMessage().contains("not supported"), e.getMessage());
        }
    }

    @Test
    void aCountThatIsAFloatOrDoesNotFitAnIntIsNamedNotTruncated(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        byte[] b = java.nio.file.Files.readAllBytes(FixtureLogitsTest.fixtures().resolve("a_f16.gguf"));
        // the key/value llama.embedding_length: u64 key length, key, u32 type (4 = UINT32), u32 48
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int after = afterString(bb, "llama.embedding_length");
        assertEquals(4, bb.getInt(after), "stored as UINT32");
        assertEquals(48, bb.getInt(after + 4));
        bb.putInt(after, 6); // FLOAT32, same size
        bb.putFloat(after + 4, 48.5f); // was read as 48 through a cast
        Path p = tmp.resolve("float-dim.gguf");
        java.nio.file.Files.write(p, b);
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(() -> ModelInfo.of(p), () -> LlamaModel.load(p).close())) {
            CheckpointException e = assertThrows(CheckpointException.class, call);
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("metadata llama.embedding_length = 48.5 is not an integer"),
                    e.getMessage());
        }
        // a UINT64 beyond an int used to wrap: 2^32 + 48 read as 48
        Map<String, Object> wide = Map.of("llama.embedding_length", (1L << 32) + 48);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Gguf.intNum(wide, "llama.embedding_length", 1, p));
        assertTrue(e.getMessage().contains("llama.embedding_length = 4294967344 is outside 1..2147483647"), e.getMessage());
        Map<String, Object> zero = Map.of("llama.block_count", 0L);
        e = assertThrows(CheckpointException.class, () -> Gguf.intNum(zero, "llama.block_count", 1, p));
        assertTrue(e.getMessage().contains("llama.block_count = 0 is outside 1.."), e.getMessage());
    }
}
