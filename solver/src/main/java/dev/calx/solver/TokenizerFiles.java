package dev.calx.solver;

import dev.calx.llama.tokenizer.Tokenizer;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/** Opens a tokenizer file by its kind (the tokenizer module's readers). */
final class TokenizerFiles {
    private TokenizerFiles() {}

    static Tokenizer load(Path p, int vocabSize) throws Exception {
        String name = p.getFileName().toString();
        // TODO(llama): direct calls once dev.calx.llama.tokenizer's readers are in main
        String cls = name.endsWith(".bin") ? "dev.calx.llama.tokenizer.Llama2cTokenizer" : "dev.calx.llama.tokenizer.SentencePieceModel";
        try {
            Class<?> c = Class.forName(cls);
            return name.endsWith(".bin")
                    ? (Tokenizer) c.getMethod("load", Path.class, int.class).invoke(null, p, vocabSize)
                    : (Tokenizer) c.getMethod("load", Path.class).invoke(null, p);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this build has no tokenizer reader for " + p + " (" + cls + " missing)");
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }
}
