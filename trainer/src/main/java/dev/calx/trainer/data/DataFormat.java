package dev.calx.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.MathCoderFormat;
import dev.calx.decode.format.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training data formats: how a JSONL row becomes an {@link Example}, and which template of
 * decode's registry renders it into labelled spans (so training and inference share one
 * template per format).
 * <ul>
 *   <li>{@code alpaca}: MathInstruct / Alpaca rows {@code instruction}, {@code output}; decode's
 *   {@code cot} (Alpaca) template; the prompt is masked and {@code output} (CoT or a PoT
 *   program) is the target.</li>
 *   <li>{@code tora}: chat rows, {@code messages} (one user, one assistant) or
 *   {@code prompt}/{@code completion} (the prompt is the user's question), holding ToRA /
 *   MuMath-Code code-nested solutions; decode's {@code tora} template (prompt and output-block
 *   text masked, the {@code ```output} opener trained).</li>
 *   <li>{@code mathcoder}: {@code messages} whose contents are block lists
 *   ({@code {"type": "text"|"code"|"execution", "content": ...}}, an optional system message);
 *   decode's MathCoder template, execution blocks masked.</li>
 * </ul>
 */
public enum DataFormat {
    /** {@code instruction}/{@code output} rows, rendered with decode's {@code cot} (Alpaca) template. */
    ALPACA {
        @Override
        public Example read(Jsonl.Row r) {
            return new Example(r.file(), r.line(), null, r.string("instruction"), r.string("output"), null);
        }

        @Override
        public List<Span> render(Example ex) {
            return Formats.get("cot").renderTraining(ex.question(), ex.solution());
        }
    },
    /** One-turn chats ({@code messages} or {@code prompt}/{@code completion}), rendered with decode's {@code tora} template. */
    TORA {
        @Override
        public Example read(Jsonl.Row r) {
            String user, assistant;
            if (r.has("messages")) {
                JsonNode msgs = r.array("messages");
                user = null;
                assistant = null;
                for (int i = 0; i < msgs.size(); i++) {
                    JsonNode m = msgs.get(i);
                    String role = field(r, m, "role", "messages[" + i + "]"), content = field(r, m, "content", "messages[" + i + "]");
                    switch (role) {
                        case "system" -> throw r.error("messages[" + i + "]: the tora format has no system message");
                        case "user" -> {
                            if (user != null) throw r.error("more than one user message (multi-turn chats are not supported)");
                            user = content;
                        }
                        case "assistant" -> {
                            if (assistant != null) throw r.error("more than one assistant message (multi-turn chats are not supported)");
                            assistant = content;
                        }
                        default -> throw r.error("messages[" + i + "] has unknown role \"" + role + "\"");
                    }
                }
                if (user == null) throw r.error("no user message");
                if (assistant == null) throw r.error("no assistant message");
            } else if (r.has("prompt")) {
                user = r.string("prompt");
                assistant = r.string("completion");
            } else {
                throw r.error("expected \"messages\" or \"prompt\"/\"completion\"");
            }
            return new Example(r.file(), r.line(), null, user, assistant, null);
        }

        @Override
        public List<Span> render(Example ex) {
            return Formats.get("tora").renderTraining(ex.question(), ex.solution());
        }
    },
    /** {@code messages} of MathCoder blocks, rendered with decode's MathCoder template. */
    MATHCODER {
        @Override
        public Example read(Jsonl.Row r) {
            JsonNode msgs = r.array("messages");
            String system = null, user = null;
            List<MathCoderFormat.Block> blocks = null;
            for (int i = 0; i < msgs.size(); i++) {
                JsonNode m = msgs.get(i);
                String where = "messages[" + i + "]";
                String role = field(r, m, "role", where);
                JsonNode content = m.get("content");
                if (content == null || !content.isArray()) throw r.error(where + ".content should be an array of blocks");
                List<MathCoderFormat.Block> bs = new ArrayList<>();
                for (int j = 0; j < content.size(); j++) {
                    JsonNode b = content.get(j);
                    String w = where + ".content[" + j + "]";
                    String type = field(r, b, "type", w), text = field(r, b, "content", w);
                    if (!type.equals("text") && !type.equals("code") && !type.equals("execution")) {
                        throw r.error(w + " has unknown type \"" + type + "\"");
                    }
                    bs.add(new MathCoderFormat.Block(type, text));
                }
                switch (role) {
                    case "system" -> system = joinText(r, bs, where);
                    case "user" -> user = joinText(r, bs, where);
                    case "assistant" -> blocks = bs;
                    default -> throw r.error(where + " has unknown role \"" + role + "\"");
                }
            }
            if (user == null) throw r.error("no user message");
            if (blocks == null) throw r.error("no assistant message");
            return new Example(r.file(), r.line(), system, user, null, blocks);
        }

        @Override
        public List<Span> render(Example ex) {
            return new MathCoderFormat(ex.system() == null ? "" : ex.system()).renderBlocks(ex.question(), ex.blocks());
        }
    };

    /**
     * Parses one JSONL row of this format; malformed rows throw {@link DataFormatException} with file:line.
     *
     * @param row the parsed line
     * @return the example
     * @throws DataFormatException when a required field is missing or of the wrong type, or the
     *                             roles are not what the format expects
     */
    public abstract Example read(Jsonl.Row row);

    /**
     * Labelled spans with decode's template for this format (ending with EOS).
     *
     * @param ex an example read by this format
     * @return the spans, whose kinds decide which tokens are trained
     */
    public abstract List<Span> render(Example ex);

    /**
     * The format of a command-line name.
     *
     * @param name {@code alpaca}, {@code tora} or {@code mathcoder}, in any case
     * @return the format
     * @throws IllegalArgumentException for any other name
     */
    public static DataFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown data format \"" + name + "\": expected alpaca, tora or mathcoder");
        }
    }

    static String field(Jsonl.Row r, JsonNode obj, String name, String where) {
        JsonNode v = obj == null ? null : obj.get(name);
        if (v == null || v.isNull()) throw r.error(where + " has no \"" + name + "\"");
        if (!v.isTextual()) throw r.error(where + "." + name + " should be a string but is " + Jsonl.kind(v));
        return v.asText();
    }

    static String joinText(Jsonl.Row r, List<MathCoderFormat.Block> bs, String where) {
        StringBuilder sb = new StringBuilder();
        for (MathCoderFormat.Block b : bs) {
            if (!b.role().equals("text")) throw r.error(where + " should hold text blocks only");
            sb.append(b.content());
        }
        return sb.toString();
    }
}
