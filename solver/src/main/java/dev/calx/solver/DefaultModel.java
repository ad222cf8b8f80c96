package dev.calx.solver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small model trained by Calx that ships inside the jar (classpath
 * {@value #RESOURCE_DIR}): {@code calx solve} and {@code calx eval} use it when no
 * {@code --model} is given. The loader maps files, so the resources are copied once to a cache
 * directory named by their SHA-256 ({@code $CALX_CACHE_DIR}, else {@code -Dcalx.cache.dir}, else
 * {@code ~/.cache/calx}), built in a temporary directory and renamed, so concurrent first runs
 * and interrupted copies never leave a half-written model behind.
 */
public final class DefaultModel {
    /** Classpath directory of the embedded model's files. */
    public static final String RESOURCE_DIR = "dev/calx/solver/default-model/";
    /** The files of the embedded model, as in a Hugging Face model directory. */
    public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.model");

    private DefaultModel() { }

    /**
     * Whether this build carries the embedded model.
     *
     * @return true when every file of {@link #FILES} is on the class path
     */
    public static boolean present() {
        ClassLoader cl = DefaultModel.class.getClassLoader();
        return FILES.stream().allMatch(f -> cl.getResource(RESOURCE_DIR + f) != null);
    }

    /**
     * The cache root: $CALX_CACHE_DIR, -Dcalx.cache.dir, or ~/.cache/calx
     * ({@code InterpreterOptions.calxCacheDir()}, which the Python workers' class archive uses too).
     *
     * @return the directory under which the model is unpacked
     */
    public static Path cacheRoot() {
        return dev.calx.interpreter.InterpreterOptions.calxCacheDir();
    }

    /**
     * The embedded model as a Hugging Face directory on disk (copied on first use).
     *
     * @return a directory with config.json, model.safetensors and tokenizer.model
     * @throws IOException when the build has no embedded model or the cache cannot be written
     */
    public static Path directory() throws IOException {
        return directory(cacheRoot());
    }

    static Path directory(Path root) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ClassLoader cl = DefaultModel.class.getClassLoader();
        for (String f : FILES) {
            try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + f)) {
                if (in == null) {
                    throw new IOException("this build has no embedded default model (missing classpath resource "
                            + RESOURCE_DIR + f + "): pass --model PATH");
                }
                byte[] b = in.readAllBytes();
                sha.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(b);
                files.put(f, b);
            }
        }
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        Path dir = root.resolve("default-model-" + hash);
        if (complete(dir, files)) return dir;
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, ".default-model-" + hash + "-");
        try {
            for (var e : files.entrySet()) Files.write(tmp.resolve(e.getKey()), e.getValue());
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process finished first; its copy has the same hash
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " to " + dir + " atomically: set CALX_CACHE_DIR to a local directory", e);
            }
        } finally {
            deleteTree(tmp);
        }
        if (!complete(dir, files)) throw new IOException("the default model cache " + dir + " is incomplete: delete it and retry");
        return dir;
    }

    private static boolean complete(Path dir, Map<String, byte[]> files) throws IOException {
        for (var e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            if (!Files.isRegularFile(p) || Files.size(p) != e.getValue().length) return false;
        }
        return true;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                try { Files.deleteIfExists(q); } catch (IOException e) { throw new UncheckedIOException(e); }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("calx: could not remove temporary " + p + ": " + e.getMessage());
        }
    }
}
