package dev.calx.tensor.cuda;

import dev.calx.tensor.BackendUnavailableException;
import dev.calx.tensor.Backends;

/** Run by {@link CudaFallbackTest} in a fresh JVM: what `calx backend` and `--backend cuda` would show. */
public final class ProbeMain {
    public static void main(String[] args) {
        Backends.report().forEach(System.out::println);
        try {
            Backends.select("cuda");
            System.out.println("cuda selected");
        } catch (BackendUnavailableException e) {
            System.out.println(e.getMessage());
        }
    }
}
