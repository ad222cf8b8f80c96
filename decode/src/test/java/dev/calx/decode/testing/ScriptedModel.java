package dev.calx.decode.testing;

import dev.calx.decode.format.SessionFactory;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A SessionFactory handing out scripted sessions: one script (list of text turns) per session, in order. */
public final class ScriptedModel implements SessionFactory {
    private final TestTokenizer tokenizer;
    private final List<List<String>> scripts;
    public final List<ScriptedSession> sessions = new ArrayList<>();

    public ScriptedModel(TestTokenizer tokenizer, List<List<String>> scripts) {
        this.tokenizer = tokenizer;
        this.scripts = scripts;
    }

    public static ScriptedModel of(TestTokenizer tokenizer, String... turns) {
        return new ScriptedModel(tokenizer, List.of(Arrays.asList(turns)));
    }

    @Override
    public synchronized InferenceSession newSession() {
        List<String> script = sessions.size() < scripts.size() ? scripts.get(sessions.size()) : List.of();
        ScriptedSession s = new ScriptedSession(script.stream().map(t -> tokenizer.encode(t, false)).toList(),
                tokenizer.vocabSize(), TestTokenizer.EOS, 100_000);
        sessions.add(s);
        return s;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }
}
