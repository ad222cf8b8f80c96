package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.LlamaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncated or corrupt files are errors that name the file, the tensor and what was expected. */
class CorruptFileTest {
    @TempDir
    Path tmp;

    Path copy(String fixture) throws IOException {
        Path src = FixtureLogitsTest.fixtures().resolve(fixture), dst = tmp.resolve(fixture);
        if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
            try (var s = Files.list(src)) {
                for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName()));
            }
        } else {
            Files.copy(src, dst);
        }
        return dst;
    }

    static void truncate(Path p, int drop) throws IOException {
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - drop));
    }

    static String fails(Path p, String... mustContain) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlamaModel.load(p).close());
        assertTrue(e.getMessage().contains(p.getFileName().toString()), "names the file: " + e.getMessage());
        for (String s : mustContain) assertTrue(e.getMessage().contains(s), "mentions '" + s + "': " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedLlama2cFileSaysExpectedAndFoundSizes() throws IOException {
        Path p = copy("a_v0.bin");
        truncate(p, 100);
        fails(p, "truncated", "183644", "183544");
        Path v1 = copy("a_v1.bin");
        truncate(v1, 4);
        fails(v1, "truncated");
    }

    @Test
    void llama2cHeaderWithImpossibleSizesIsRejected() throws IOException {
        Path p = copy("a_v0.bin");
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 5); // n_heads 5 does not divide dim 48
        Files.write(p, b);
        fails(p, "inconsistent header");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, -3);
        Files.write(p, b);
        fails(p, "n_heads");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x616b3432).putInt(4, 7);
        Files.write(p, b);
        fails(p, "unknown llama2.c version 7");
    }

    @Test
    void truncatedSafetensorsNamesTheTensor() throws IOException {
        Path d = copy("a_hf_f32");
        truncate(d.resolve("model.safetensors"), 8);
        fails(d.resolve("model.safetensors"), "model.safetensors", "truncated");
    }

    @Test
    void safetensorsShapeThatDisagreesWithConfigNamesTensorAndShapes() throws IOException {
        Path d = copy("a_hf_f32");
        Path cfg = d.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate_size\": 100", "\"intermediate_size\": 50"));
        String msg = assertThrows(CheckpointException.class, () -> LlamaModel.load(d).close()).getMessage();
        assertTrue(msg.contains("model.layers.0.mlp.gate_proj.weight") && msg.contains("[50, 48]") && msg.contains("[100, 48]"), msg);
    }

    @Test
    void configFieldsOfTheWrongTypeAreNamedNotTruncatedOrDefaulted() throws IOException {
        Path d = copy("a_hf_f32");
        Path cfg = d.resolve("config.json");
        String good = Files.readString(cfg);
        // each of these used to load: 48.5 as 48, 2^32 + 48 as 48, a string as the default
        String[][] cases = {
                {"\"hidden_size\": 48", "\"hidden_size\": 48.5", "field hidden_size = 48.5 is not an integer"},
                {"\"hidden_size\": 48", "\"hidden_size\": 4294967344", "field hidden_size = 4294967344 is not an integer"},
                {"\"num_key_value_heads\": 1", "\"num_key_value_heads\": \"1\"", "field num_key_value_heads = \"1\" is not an integer"},
                {"\"max_position_embeddings\": 64", "\"max_position_embeddings\": \"big\"", "field max_position_embeddings = \"big\" is not an integer"},
                {"\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": \"1e-05\"", "field rms_norm_eps = \"1e-05\" is not a number"},
                {"\"tie_word_embeddings\": false", "\"tie_word_embeddings\": \"yes\"", "field tie_word_embeddings = \"yes\" is not true or false"},
                {"\"eos_token_id\": 2", "\"eos_token_id\": []", "field eos_token_id = [] does not start with an integer id"},
                {"\"hidden_size\": 48,", "", "missing field hidden_size"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Files.writeString(cfg, good.replace(c[0], c[1]));
            fails(d, "config.json", c[2]);
        }
        // null means "not set", as Hugging Face writes it for unused fields
        Files.writeString(cfg, good.replace("\"bos_token_id\": 1", "\"bos_token_id\": null").replace("\"eos_token_id\": 2", "\"eos_token_id\": [2, 5]"));
        LlamaModel.load(d).close();
    }

    @Test
    void corruptSafetensorsHeaderIsRejected() throws IOException {
        Path d = copy("a_hf_f32");
        Path st = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(st);
        String h = new String(b, 8, 200, StandardCharsets.US_ASCII);
        int i = h.indexOf("\"F32\"");
        b[8 + i + 1] = 'I'; // "I32": unsupported dtype
        Files.write(st, b);
        fails(st, "dtype I32");
        b[8 + i + 1] = 'F';
        b[7] = 0x7f; // absurd header length (top byte of the little-endian u64)
        Files.write(st, b);
        fails(st, "header length");
        b[7] = 0;
        byte b8 = b[8], b9 = b[9];
        b[8] = '['; // the header's opening brace
        b[9] = '}';
        Files.write(st, b);
        fails(d, "model.safetensors: the safetensors header is not valid JSON (line 1, column 2): Unexpected close marker '}'");
        b[8] = b8;
        b[9] = b9;
        Files.write(st, b);
        Files.writeString(d.resolve("config.json"), "{\"hidden_size\": 8,\n");
        String m = fails(d, "config.json: the model config is not valid JSON (line 2, column 1): Unexpected end-of-input");
        assertFalse(m.contains("REDACTED"), m);
    }

    /**
     * Malformed UTF-8 in a JSON part: found by a random-corruption probe (session 26), where a
     * flipped byte in config.json ended in a bare MalformedInputException naming no file.
     */
    @Test
    void malformedUtf8InTheJsonPartsNamesFileAndByte() throws IOException {
        Path d = copy("a_hf_f32");
        Path cfg = d.resolve("config.json");
        byte[] c = Files.readAllBytes(cfg);
        int at = new String(c, StandardCharsets.UTF_8).indexOf("LlamaForCausalLM") + 1;
        // an overlong encoding of NUL inside a string, which the JSON parser reading the bytes
        // itself let through before the raw text was read again (MalformedInputException)
        byte[] bad = c.clone();
        bad[at] = (byte) 0xC0;
        bad[at + 1] = (byte) 0x80;
        Files.write(cfg, bad);
        fails(d, "config.json: the model config is not valid UTF-8 (byte 0xC0 at byte " + at + " of the file)");
        // an encoded surrogate, likewise
        bad = c.clone();
        bad[at] = (byte) 0xED;
        bad[at + 1] = (byte) 0xA0;
        bad[at + 2] = (byte) 0x80;
        Files.write(cfg, bad);
        fails(d, "config.json: the model config is not valid UTF-8 (byte 0xED at byte " + at + " of the file)");
        // a stray byte after the object, which the parser never looked at
        bad = Arrays.copyOf(c, c.length + 1);
        bad[c.length] = (byte) 0xFF;
        Files.write(cfg, bad);
        fails(d, "config.json: the model config is not valid UTF-8 (byte 0xFF at byte " + c.length + " of the file)");
        // valid text after the object: Python's json.load says "Extra data", and so do we
        Files.write(cfg, (new String(c, StandardCharsets.UTF_8) + "{\"hidden_size\": 8}\n").getBytes(StandardCharsets.UTF_8));
        fails(d, "config.json: the model config is not valid JSON (line ", "text after the end of the JSON value");
        // a byte order mark is skipped, as before, and the text is kept as it was
        byte[] bom = new byte[c.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(c, 0, bom, 3, c.length);
        Files.write(cfg, bom);
        try (LlamaModel m = LlamaModel.load(d)) {
            assertTrue(((String) m.metadata().get(HfCheckpoint.CONFIG_TEXT)).startsWith("\uFEFF{"));
        }
        Files.write(cfg, c);

        Path st = d.resolve("model.safetensors");
        byte[] s = Files.readAllBytes(st);
        int name = new String(s, 0, 200, StandardCharsets.ISO_8859_1).indexOf("model.") + 2;
        s[name] = (byte) 0xFF;
        Files.write(st, s);
        fails(st, "model.safetensors: the safetensors header is not valid UTF-8 (byte 0xFF at byte " + name + " of the file)");
        s[name] = (byte) 'o';
        // a second value after the header's object, inside the header's declared length
        long n = ByteBuffer.wrap(s, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] header = (new String(s, 8, (int) n, StandardCharsets.UTF_8).stripTrailing() + " []").getBytes(StandardCharsets.UTF_8);
        ByteBuffer two = ByteBuffer.allocate(8 + header.length + s.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        two.putLong(header.length).put(header).put(s, 8 + (int) n, s.length - 8 - (int) n);
        Files.write(st, two.array());
        fails(st, "model.safetensors: the safetensors header is not valid JSON", "text after the end of the JSON value");

        Path sh = copy("b_hf_bf16_sharded");
        Path index = sh.resolve("model.safetensors.index.json");
        byte[] ix = Files.readAllBytes(index);
        int w = new String(ix, StandardCharsets.UTF_8).indexOf("weight_map") + 3;
        ix[w] = (byte) 0x80;
        Files.write(index, ix);
        String m = fails(sh, "model.safetensors.index.json: the index is not valid UTF-8 (byte 0x80 at byte " + w + " of the file)");
        assertFalse(m.contains("cannot be read"), m);
    }

    @Test
    void missingShardIsNamed() throws IOException {
        Path d = copy("b_hf_bf16_sharded");
        Files.delete(d.resolve("model-00002-of-00002.safetensors"));
        String msg = assertThrows(CheckpointException.class, () -> LlamaModel.load(d).close()).getMessage();
        assertTrue(msg.contains("model-00002-of-00002.safetensors") && msg.contains("missing"), msg);
    }

    @Test
    void ggufWithBadMagicOrTruncatedDataIsRejected() throws IOException {
        Path p = copy("b_q8_0.gguf");
        truncate(p, 40);
        fails(p, "tensor", "truncated");
        Path q = tmp.resolve("bad.gguf");
        byte[] b = Files.readAllBytes(FixtureLogitsTest.fixtures().resolve("a_f16.gguf"));
        b[0] = 'X';
        Files.write(q, b);
        fails(q, "magic");
    }
}
