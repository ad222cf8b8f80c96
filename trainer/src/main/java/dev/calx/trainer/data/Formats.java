package dev.calx.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training data formats: how a JSONL row becomes an {@link Example} and how an example
 * renders into spans (SEEDS.md templates).
 * <ul>
 *   <li>{@code alpaca}: MathInstruct / Alpaca rows {@code instruction}, {@code output}; the
 *   Alpaca prompt is masked and {@code output} (CoT or a PoT program) is the target.</li>
 *   <li>{@code tora}: chat rows, {@code messages} (optional system, one user, one assistant) or
 *   {@code prompt}/{@code completion} (the prompt is the user's question); the solution holds
 *   {@code ```python} and {@code ```output} blocks. Template {@code <|user|>\n{q}\n<|assistant|>\n};
 *   the text inside each output block (after {@code ```output\n} up to the closing fence) is
 *   masked, the opener is trained.</li>
 *   <li>{@code mathcoder}: {@code messages} whose contents are block lists
 *   ({@code {"type": "text"|"code"|"execution", "content": ...}}); special-token template;
 *   execution blocks masked whole (tags included: the interpreter writes them, not the model).</li>
 * </ul>
 */
public enum Formats implements SpanRenderer {
    ALPACA {
        static final String PROMPT = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n%s\n\n### Response:";

        @Override
        public Example read(Jsonl.Row r) {
            return new Example(r.file(), r.line(), null, r.string("instruction"),
                    List.of(new Example.Block(Span.Kind.TEXT, r.string("output"))));
        }

        @Override
        public List<Span> render(Example ex) {
            List<Span> s = new ArrayList<>();
            s.add(new Span(Span.Kind.PROMPT, String.format(PROMPT, ex.question())));
            for (Example.Block b : ex.response()) s.add(new Span(b.kind(), b.text()));
            return s;
        }
    },
    TORA {
        @Override
        public Example read(Jsonl.Row r) {
            String system = null, user, assistant;
            if (r.has("messages")) {
                JsonNode msgs = r.array("messages");
                user = null;
                assistant = null;
                for (int i = 0; i < msgs.size(); i++) {
                    JsonNode m = msgs.get(i);
                    String role = field(r, m, "role", "messages[" + i + "]"), content = field(r, m, "content", "messages[" + i + "]");
                    switch (role) {
                        case "system" -> system = content;
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
            return new Example(r.file(), r.line(), system, user, splitTora(assistant));
        }

        @Override
        public List<Span> render(Example ex) {
            List<Span> s = new ArrayList<>();
            String sys = ex.system() == null ? "" : "<|system|>\n" + ex.system() + "\n";
            s.add(new Span(Span.Kind.PROMPT, sys + "<|user|>\n" + ex.question() + "\n<|assistant|>\n"));
            for (Example.Block b : ex.response()) s.add(new Span(b.kind(), b.text()));
            return s;
        }
    },
    MATHCODER {
        @Override
        public Example read(Jsonl.Row r) {
            JsonNode msgs = r.array("messages");
            String system = null, user = null;
            List<Example.Block> blocks = null;
            for (int i = 0; i < msgs.size(); i++) {
                JsonNode m = msgs.get(i);
                String where = "messages[" + i + "]";
                String role = field(r, m, "role", where);
                JsonNode content = m.get("content");
                if (content == null || !content.isArray()) throw r.error(where + ".content should be an array of blocks");
                List<Example.Block> bs = new ArrayList<>();
                for (int j = 0; j < content.size(); j++) {
                    JsonNode b = content.get(j);
                    String w = where + ".content[" + j + "]";
                    String type = field(r, b, "type", w), text = field(r, b, "content", w);
                    bs.add(new Example.Block(switch (type) {
                        case "text" -> Span.Kind.TEXT;
                        case "code" -> Span.Kind.CODE;
                        case "execution" -> Span.Kind.EXECUTION;
                        default -> throw r.error(w + " has unknown type \"" + type + "\"");
                    }, text));
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
            return new Example(r.file(), r.line(), system, user, blocks);
        }

        @Override
        public List<Span> render(Example ex) {
            List<Span> s = new ArrayList<>();
            String sys = ex.system() == null ? "" : "<|system|><|text|>" + ex.system() + "<|endofblock|><|endofmessage|>";
            s.add(new Span(Span.Kind.PROMPT, sys + "<|user|><|text|>" + ex.question() + "<|endofblock|><|endofmessage|><|assistant|>"));
            for (Example.Block b : ex.response()) {
                String tag = switch (b.kind()) {
                    case TEXT -> "<|text|>";
                    case CODE -> "<|code|>";
                    case EXECUTION -> "<|execution|>";
                    case PROMPT -> throw new IllegalStateException("prompt block in a response");
                };
                s.add(new Span(b.kind(), tag + b.text() + "<|endofblock|>"));
            }
            s.add(new Span(Span.Kind.TEXT, "<|endofmessage|>"));
            return s;
        }
    };

    /** Parses one JSONL row of this format; malformed rows throw {@link DataFormatException} with file:line. */
    public abstract Example read(Jsonl.Row row);

    public static Formats parse(String name) {
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

    static String joinText(Jsonl.Row r, List<Example.Block> bs, String where) {
        StringBuilder sb = new StringBuilder();
        for (Example.Block b : bs) {
            if (b.kind() != Span.Kind.TEXT) throw r.error(where + " should hold text blocks only");
            sb.append(b.text());
        }
        return sb.toString();
    }

    private static final Pattern OUTPUT = Pattern.compile("```output\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PYTHON = Pattern.compile("```python\n.*?```", Pattern.DOTALL);

    /**
     * Splits a ToRA solution: the text of each output block between {@code ```output\n} and the
     * closing fence is EXECUTION; python blocks (fences included) are CODE; the rest is TEXT.
     */
    static List<Example.Block> splitTora(String s) {
        List<Example.Block> out = new ArrayList<>();
        int pos = 0;
        Matcher m = OUTPUT.matcher(s);
        while (m.find()) {
            addCodeAndText(out, s.substring(pos, m.start(1)));
            out.add(new Example.Block(Span.Kind.EXECUTION, m.group(1)));
            pos = m.end(1);
        }
        addCodeAndText(out, s.substring(pos));
        return out;
    }

    private static void addCodeAndText(List<Example.Block> out, String s) {
        int pos = 0;
        Matcher m = PYTHON.matcher(s);
        while (m.find()) {
            if (m.start() > pos) out.add(new Example.Block(Span.Kind.TEXT, s.substring(pos, m.start())));
            out.add(new Example.Block(Span.Kind.CODE, m.group()));
            pos = m.end();
        }
        if (pos < s.length()) out.add(new Example.Block(Span.Kind.TEXT, s.substring(pos)));
    }
}
