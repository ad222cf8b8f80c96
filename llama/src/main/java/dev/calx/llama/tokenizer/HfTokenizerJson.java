package dev.calx.llama.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.calx.llama.format.StrictJson;
import dev.calx.llama.format.StrictUtf8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face {@code tokenizer.json}, the Llama BPE variant: {@code model} of type BPE with
 * {@code vocab}, {@code merges} and {@code byte_fallback}; a normalizer that prepends "▁" and
 * replaces ' ' by "▁" (or, in newer files, a Metaspace pre-tokenizer that does the same without
 * splitting); {@code added_tokens}. It reads into a {@link Vocabulary} that SentencePiece's
 * algorithm encodes: a merge's priority is the rank of the first rule that spells its piece
 * (HF's BPE ranks the (left, right) pair instead; the two differ only when two different splits
 * of one piece compete). Added tokens: special ones become CONTROL pieces (UNKNOWN for
 * {@code unk_token}), others USER_DEFINED, matched atomically in text as SentencePiece does
 * (HF's library normalizes each text segment between added tokens separately, which may put an
 * extra "▁" after an added token; we follow SentencePiece). Scores are not stored in the format:
 * written merges are ordered by score, read pieces get score = -rank.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = StrictJson.mapper();

    private HfTokenizerJson() {
    }

    /**
     * Reads a tokenizer.json.
     *
     * @param file a Hugging Face tokenizer.json of the Llama BPE kind
     * @return the tokenizer
     * @throws IOException when the file cannot be read, is not valid JSON, or describes a model,
     *                     normalizer or pre-tokenizer other than Llama's (the message names the field)
     */
    public static SentencePieceTokenizer load(Path file) throws IOException {
        return parse(file.toString(), StrictUtf8.withoutBom(StrictUtf8.read(file, "the tokenizer")));
    }

    static SentencePieceTokenizer parse(String source, InputStream in) throws IOException {
        return parse(source, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    static SentencePieceTokenizer parse(String source, String text) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not valid JSON: " + StrictJson.reason(e), e);
        }
        if (root == null || !root.isObject()) throw bad(source, "", "a JSON object", String.valueOf(root));
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw bad(source, "model.type", "\"BPE\"", model.path("type").toString());
        }
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject()) throw bad(source, "model.vocab", "an object {piece: id}", vocabNode.getNodeType().toString());
        Map<Integer, String> byId = new HashMap<>();
        int n = 0;
        // ids are dense, so none reaches the number of entries; a string "5", a 5.5 or a 2^32 + 5
        // is not an id (asInt read them all as 5)
        int entries = vocabNode.size() + root.path("added_tokens").size();
        for (var it = vocabNode.fields(); it.hasNext(); ) {
            var e = it.next();
            int id = idOf(e.getValue(), entries);
            if (id < 0 || byId.putIfAbsent(id, e.getKey()) != null) {
                throw bad(source, "model.vocab[" + e.getKey() + "]", "a unique integer id from 0 to " + (entries - 1), e.getValue().toString());
            }
            n = Math.max(n, id + 1);
        }
        Map<Integer, JsonNode> added = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            int id = idOf(a.path("id"), entries);
            String content = a.path("content").asText("");
            if (id < 0 || content.isEmpty()) {
                throw bad(source, "added_tokens", "an integer id from 0 to " + (entries - 1) + " and a content", a.toString());
            }
            String old = byId.putIfAbsent(id, content);
            if (old != null && !old.equals(content)) {
                throw bad(source, "added_tokens id " + id, "'" + old + "' as in model.vocab", "'" + content + "'");
            }
            added.put(id, a);
            n = Math.max(n, id + 1);
        }
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        String unkToken = model.path("unk_token").isTextual() ? model.path("unk_token").asText() : null;
        List<String> pieces = new ArrayList<>(n);
        List<PieceType> types = new ArrayList<>(n);
        int unk = -1, bos = -1, eos = -1;
        for (int id = 0; id < n; id++) {
            String p = byId.get(id);
            if (p == null) throw bad(source, "model.vocab", "a piece for every id below " + n, "none for id " + id);
            PieceType t;
            JsonNode a = added.get(id);
            if (p.equals(unkToken)) {
                t = PieceType.UNKNOWN;
                unk = id;
            } else if (a != null) {
                t = a.path("special").asBoolean(false) ? PieceType.CONTROL : PieceType.USER_DEFINED;
            } else if (byteFallback && Vocabulary.byteOfPiece(p) >= 0) {
                t = PieceType.BYTE;
            } else {
                t = PieceType.NORMAL;
            }
            if (p.equals("<s>") && t == PieceType.CONTROL) bos = id;
            if (p.equals("</s>") && t == PieceType.CONTROL) eos = id;
            pieces.add(p);
            types.add(t);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < n; id++) ids.putIfAbsent(pieces.get(id), id);
        JsonNode mergesNode = model.path("merges");
        int[][] rules = new int[mergesNode.size()][];
        float[] scores = new float[n];
        boolean[] scored = new boolean[n];
        for (int k = 0; k < rules.length; k++) {
            JsonNode m = mergesNode.get(k);
            String l, r;
            if (m.isArray() && m.size() == 2) {
                l = m.get(0).asText();
                r = m.get(1).asText();
            } else {
                String s = m.asText();
                int sp = s.indexOf(' ');
                if (sp <= 0 || sp != s.lastIndexOf(' ') || sp == s.length() - 1) {
                    throw bad(source, "model.merges[" + k + "]", "\"left right\"", m.toString());
                }
                l = s.substring(0, sp);
                r = s.substring(sp + 1);
            }
            Integer li = ids.get(l), ri = ids.get(r), mi = ids.get(l + r);
            if (li == null || ri == null || mi == null) {
                throw bad(source, "model.merges[" + k + "]", "pieces of model.vocab", m.toString());
            }
            rules[k] = new int[] {li, ri};
            if (!scored[mi]) {
                scores[mi] = -k;
                scored[mi] = true;
            }
        }
        Normalization nz = normalization(source, root);
        try {
            Vocabulary v = new Vocabulary(source, pieces, scores, types, unk, bos, eos, -1, byteFallback, nz,
                    null, rules);
            return new SentencePieceTokenizer(v);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** Recognizes the two Llama spellings of "prepend ▁, spaces become ▁"; anything else is an error. */
    private static Normalization normalization(String source, JsonNode root) throws IOException {
        JsonNode norm = root.path("normalizer");
        JsonNode pre = root.path("pre_tokenizer");
        boolean prepend = false, replace = false;
        List<JsonNode> steps = new ArrayList<>();
        if (norm.path("type").asText().equals("Sequence")) norm.path("normalizers").forEach(steps::add);
        else if (!norm.isMissingNode() && !norm.isNull()) steps.add(norm);
        for (JsonNode s : steps) {
            String type = s.path("type").asText();
            if (type.equals("Prepend") && s.path("prepend").asText().equals("\u2581")) {
                prepend = true;
            } else if (type.equals("Replace") && s.path("pattern").path("String").asText().equals(" ")
                    && s.path("content").asText().equals("\u2581")) {
                replace = true;
            } else {
                throw bad(source, "normalizer", "Prepend(\"▁\") and Replace(\" \", \"▁\")", s.toString());
            }
        }
        if (!pre.isMissingNode() && !pre.isNull()) {
            if (!pre.path("type").asText().equals("Metaspace") || !pre.path("replacement").asText().equals("\u2581")
                    || pre.path("split").asBoolean(true) || !steps.isEmpty()) {
                throw bad(source, "pre_tokenizer", "none, or Metaspace(\"▁\", split=false) without a normalizer",
                        pre.toString());
            }
            replace = true;
            String scheme = pre.path("prepend_scheme").asText(pre.path("add_prefix_space").asBoolean(true) ? "always" : "never");
            prepend = !scheme.equals("never");
        }
        if (!replace) throw bad(source, "normalizer", "spaces replaced by \"▁\"", "no such step");
        return new Normalization(prepend, false, true, false);
    }

    /**
     * Writes the tokenizer as a tokenizer.json (to a temp file, then renamed).
     * Merges are the vocabulary's own rules, or else derived from the scores as transformers'
     * LlamaConverter does.
     *
     * @param t    the tokenizer
     * @param file the target file, replaced if it exists
     * @throws IOException when the normalizer cannot be expressed in tokenizer.json (extra-whitespace
     *                     removal, unescaped spaces, suffix whitespace), two ids have the same piece
     *                     (the format keys pieces by spelling; nothing is written), or writing fails
     */
    public static void write(SentencePieceTokenizer t, Path file) throws IOException {
        dev.calx.llama.format.TempFiles.writeAtomically(file, serialize(t).getBytes(StandardCharsets.UTF_8));
    }

    static String serialize(SentencePieceTokenizer t) throws IOException {
        Vocabulary v = t.vocabulary();
        Normalization nz = v.normalization();
        if (nz.removeExtraWhitespaces() || !nz.escapeWhitespaces() || nz.treatWhitespaceAsSuffix()) {
            throw new IOException("tokenizer.json cannot express this normalizer: " + nz);
        }
        // A Vocabulary may spell one piece twice (once mergeable, once CONTROL/UNKNOWN/BYTE), but
        // model.vocab is an object keyed by piece, and HF's library gives an added token the id of
        // the vocab entry of the same content: one of the two ids would be lost either way.
        Map<String, Integer> firstId = new HashMap<>();
        for (int id = 0; id < v.size(); id++) {
            Integer old = firstId.putIfAbsent(v.piece(id), id);
            if (old != null) {
                throw new IOException("tokenizer.json cannot hold piece '" + v.piece(id) + "' for ids " + old + " and " + id
                        + " (" + v.type(old) + " and " + v.type(id) + "): model.vocab and added_tokens are keyed by the"
                        + " piece's spelling; write a tokenizer.model instead, which keeps both");
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < v.size(); id++) {
            PieceType type = v.type(id);
            if (type != PieceType.CONTROL && type != PieceType.UNKNOWN && type != PieceType.USER_DEFINED) continue;
            ObjectNode a = added.addObject();
            a.put("id", id);
            a.put("content", v.piece(id));
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", type != PieceType.USER_DEFINED);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        if (nz.addDummyPrefix()) steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
        ObjectNode replace = steps.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "\u2581");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode ds = decoder.putArray("decoders");
        ObjectNode dr = ds.addObject().put("type", "Replace");
        dr.putObject("pattern").put("String", "\u2581");
        dr.put("content", " ");
        ds.addObject().put("type", "ByteFallback");
        ds.addObject().put("type", "Fuse");
        if (nz.addDummyPrefix()) ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        if (v.unkId() >= 0) model.put("unk_token", v.piece(v.unkId()));
        else model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", v.byteFallback());
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < v.size(); id++) vocab.put(v.piece(id), id);
        ArrayNode merges = model.putArray("merges");
        for (int[] rule : mergeRules(v)) merges.add(v.piece(rule[0]) + " " + v.piece(rule[1]));
        return JSON.writeValueAsString(root);
    }

    /**
     * The vocabulary's own rules if it has some, else every split of a NORMAL or USER_DEFINED piece
     * into two mergeable pieces, by the merged piece's score (highest first), then by the ids of
     * (left, right): the order transformers' LlamaConverter writes.
     */
    static List<int[]> mergeRules(Vocabulary v) {
        if (v.mergeRules() != null) return Arrays.asList(v.mergeRules());
        List<int[]> rules = new ArrayList<>();
        for (int id = 0; id < v.size(); id++) {
            PieceType t = v.type(id);
            if (t != PieceType.NORMAL && t != PieceType.USER_DEFINED) continue;
            String p = v.piece(id);
            for (int k = p.offsetByCodePoints(0, 1); k < p.length(); k = p.offsetByCodePoints(k, 1)) {
                int a = v.mergeableId(p.substring(0, k)), b = v.mergeableId(p.substring(k));
                if (a >= 0 && b >= 0) rules.add(new int[] {a, b, id});
            }
        }
        rules.sort(Comparator.<int[]>comparingDouble(r -> -v.score(r[2]))
                .thenComparingInt(r -> r[0]).thenComparingInt(r -> r[1]));
        return rules;
    }

    /** An id: a JSON integer in [0, limit), or -1. */
    private static int idOf(JsonNode v, int limit) {
        return v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0 && v.asInt() < limit ? v.asInt() : -1;
    }

    private static IOException bad(String source, String where, String expected, String found) {
        return new IOException(source + ": " + (where.isEmpty() ? "" : where + ": ") + "expected " + expected
                + ", found " + (found.length() > 200 ? found.substring(0, 200) + "..." : found));
    }
}
