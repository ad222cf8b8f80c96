package dev.calx.llama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The sentencepiece-library fixtures written by tools/tokenizer_fixtures.py. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** One line of llama2_cases.jsonl.gz. */
    record Case(int line, String text, byte[] bytes, int[] ids, int[] decode, List<String> added) {
        String describe() {
            return "case line " + line + " " + (text != null ? JSON.valueToTree(text).toString()
                    : bytes != null ? HexFormat.of().formatHex(bytes) : "");
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        int line = 0;
        for (JsonNode n : gzJsonLines("llama2_cases.jsonl.gz")) {
            line++;
            out.add(new Case(line,
                    n.has("text") ? n.get("text").asText() : null,
                    n.has("hex") ? HexFormat.of().parseHex(n.get("hex").asText()) : null,
                    n.has("ids") ? ints(n.get("ids")) : null,
                    n.has("decode") ? ints(n.get("decode")) : null,
                    n.has("added") ? strings(n.get("added")) : null));
        }
        return out;
    }

    static List<JsonNode> gzJsonLines(String resource) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = Fixtures.class.getResourceAsStream("/tokenizer/" + resource)) {
            if (in == null) throw new IOException("missing test resource /tokenizer/" + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
            for (String s; (s = r.readLine()) != null; ) {
                if (!s.isBlank()) out.add(JSON.readTree(s));
            }
        }
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    static List<String> strings(JsonNode a) {
        List<String> r = new ArrayList<>();
        a.forEach(x -> r.add(x.asText()));
        return r;
    }
}
