package dev.calx.llama.format;

import dev.calx.llama.LlamaModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
