package dev.calx.decode.generate;

import dev.calx.llama.ContextOverflowException;
import dev.calx.llama.InferenceSession;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batched generation for tool loops written as ordinary sequential code. Each problem runs on
 * its own thread with its own session and {@link Decoder}, unchanged; the sessions handed out
 * by {@link #wrap} do not run single-token appends themselves but queue them here, and when
 * every participating thread is waiting for its next token, one of them runs a single
 * {@link BatchStep} for all of them (one GEMM per projection for Llama). A thread that runs
 * Python ({@link #awayStarts}) or has finished its problem ({@link #leave}) no longer holds the
 * others up; the harness starts the next problem on the freed thread (continuous batching).
 *
 * <p>All model work is serialized: a prefill (several tokens: the prompt, tool output) runs
 * alone on the calling thread, between batched steps. So a forward never competes with
 * another for the cores, and a sequence's numbers come out as the batch step computes them
 * (for Llama the same whichever sequences share a step, see {@code LlamaBatch}).
 *
 * <p>Participation is per thread: call {@link #join} before a problem and {@link #leave} after
 * it (in a finally block). A wrapped session used by a thread that has not joined runs each
 * step alone.
 */
public final class StepBatcher {
    private final BatchStep step;
    private final int maxBatch;
    private final WallClockSplit clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<Thread> joined = new HashSet<>();
    private final Set<Thread> away = new HashSet<>();
    private final List<Request> pending = new ArrayList<>();
    private boolean busy;
    private long steps, rows, prefills;

    private static final class Request {
        final InferenceSession session;
        final int token;
        float[] logits;
        RuntimeException error;
        boolean taken;

        Request(InferenceSession session, int token) {
            this.session = session;
            this.token = token;
        }
    }

    /**
     * A batcher over one model. clock may be null; model time (steps and prefills) is reported to it.
     *
     * @param step     runs one batched decode step; called by one thread at a time
     * @param maxBatch the most sequences per step, at least 1 (the step's own width)
     * @param clock    receives model start and end events, or null
     * @throws IllegalArgumentException when {@code maxBatch} is less than 1
     */
    public StepBatcher(BatchStep step, int maxBatch, WallClockSplit clock) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        this.step = step;
        this.maxBatch = maxBatch;
        this.clock = clock;
    }

    /** The current thread takes part in batched steps from now on. */
    public void join() {
        lock.lock();
        try {
            joined.add(Thread.currentThread());
        } finally {
            lock.unlock();
        }
    }

    /** The current thread is done (its problem finished or failed); the others go on without it. */
    public void leave() {
        lock.lock();
        try {
            joined.remove(Thread.currentThread());
            away.remove(Thread.currentThread());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The current thread does something long outside the model (runs Python); do not wait for it. */
    public void awayStarts() {
        lock.lock();
        try {
            away.add(Thread.currentThread());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The current thread is back from {@link #awayStarts}: steps wait for it again. */
    public void awayEnds() {
        lock.lock();
        try {
            away.remove(Thread.currentThread());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Batched steps run so far.
     *
     * @return the number of {@link BatchStep} calls made for joined threads
     */
    public long steps() {
        lock.lock();
        try {
            return steps;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Mean number of sequences per batched step (0 before the first).
     *
     * @return rows over steps, between 1 and maxBatch once a step has run
     */
    public double meanBatch() {
        lock.lock();
        try {
            return steps == 0 ? 0 : rows / (double) steps;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Prefills (appends of several tokens) run so far.
     *
     * @return the number of multi-token appends made through wrapped sessions
     */
    public long prefills() {
        lock.lock();
        try {
            return prefills;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A session whose single-token appends go through this batcher. Prefills run alone on the
     * calling thread, between steps; position, rollback and close go straight to the inner session.
     *
     * @param inner a session the batcher's {@link BatchStep} can run; owned by the caller,
     *              closed when the wrapper is closed
     * @return the wrapper; {@code fork()} wraps the inner session's fork
     */
    public InferenceSession wrap(InferenceSession inner) {
        return new Batched(inner);
    }

    private int active() {
        int n = 0;
        for (Thread t : joined) if (!away.contains(t)) n++;
        return n;
    }

    private float[] step(InferenceSession s, int token) {
        if (s.position() + 1 > s.maxLength()) throw new ContextOverflowException(s.maxLength(), s.position() + 1);
        lock.lock();
        try {
            if (!joined.contains(Thread.currentThread())) {
                return exclusive(() -> step.step(List.of(s), new int[]{token})[0], 1);
            }
            Request r = new Request(s, token);
            pending.add(r);
            changed.signalAll();
            while (r.logits == null && r.error == null) {
                if (!busy && !pending.isEmpty() && pending.size() >= Math.min(active(), maxBatch)) {
                    runPending();
                } else {
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        if (!r.taken) pending.remove(r);
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for a batched step", e);
                    }
                }
            }
            if (r.error != null) throw r.error;
            return r.logits;
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held and the model free: runs up to maxBatch pending requests as one step. */
    private void runPending() {
        List<Request> batch = new ArrayList<>(pending.subList(0, Math.min(maxBatch, pending.size())));
        pending.subList(0, batch.size()).clear();
        List<InferenceSession> sessions = new ArrayList<>(batch.size());
        int[] tokens = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Request r = batch.get(i);
            r.taken = true;
            sessions.add(r.session);
            tokens[i] = r.token;
        }
        busy = true;
        lock.unlock();
        float[][] logits = null;
        RuntimeException error = null;
        try {
            if (clock != null) clock.modelStarts();
            try {
                logits = step.step(sessions, tokens);
            } finally {
                if (clock != null) clock.modelEnds();
            }
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
            busy = false;
            steps++;
            rows += batch.size();
            for (int i = 0; i < batch.size(); i++) {
                if (error != null) batch.get(i).error = error;
                else batch.get(i).logits = logits[i];
            }
            changed.signalAll();
        }
    }

    /** Called with the lock held: waits for the model, runs work alone (lock released meanwhile). */
    private float[] exclusive(java.util.function.Supplier<float[]> work, int tokens) {
        while (busy) changed.awaitUninterruptibly();
        busy = true;
        lock.unlock();
        try {
            if (clock != null) clock.modelStarts();
            try {
                return work.get();
            } finally {
                if (clock != null) clock.modelEnds();
            }
        } finally {
            lock.lock();
            busy = false;
            if (tokens > 1) prefills++;
            changed.signalAll();
        }
    }

    private float[] prefill(InferenceSession s, int[] tokens) {
        lock.lock();
        try {
            return exclusive(() -> s.append(tokens), tokens.length);
        } finally {
            lock.unlock();
        }
    }

    /** The session a thread sees: prefills run alone, single tokens are batched. */
    private final class Batched implements InferenceSession {
        private final InferenceSession inner;

        Batched(InferenceSession inner) {
            this.inner = inner;
        }

        @Override public int position() { return inner.position(); }
        @Override public int maxLength() { return inner.maxLength(); }
        @Override public int vocabSize() { return inner.vocabSize(); }

        @Override
        public float[] append(int... tokens) {
            if (tokens.length == 1) return step(inner, tokens[0]);
            return prefill(inner, tokens);
        }

        @Override public void rollback(int p) { inner.rollback(p); }

        @Override public InferenceSession fork() { return new Batched(inner.fork()); }

        @Override public void close() { inner.close(); }
    }
}
