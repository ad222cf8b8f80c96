package dev.calx.autograd;

/** Whether ops record for backward on this thread (see {@link NoGrad}). */
final class GradMode {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    private GradMode() {}

    static boolean enabled() {
        return DISABLED.get()[0] == 0;
    }

    static void disable() {
        DISABLED.get()[0]++;
    }

    static void restore() {
        DISABLED.get()[0]--;
    }

    /** Recording on, whatever NoGrad scopes are open (checkpoint recompute inside backward). */
    static int forceEnable() {
        int[] d = DISABLED.get();
        int saved = d[0];
        d[0] = 0;
        return saved;
    }

    static void endForce(int saved) {
        DISABLED.get()[0] = saved;
    }

    /** True when an op over these inputs must record: grad mode on and some input requires grad. */
    static boolean recording(Variable... inputs) {
        if (!enabled()) return false;
        for (Variable v : inputs) if (v != null && v.requiresGrad()) return true;
        return false;
    }
}
