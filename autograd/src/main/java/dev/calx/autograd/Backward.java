package dev.calx.autograd;

import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Reverse-mode sweep: topological order of the nodes reachable from the root, run backwards. */
final class Backward {
    private Backward() {}

    static void run(Variable root, Tensor seed, boolean retainGraph) {
        if (seed == null && root.value().size() != 1) {
            throw new IllegalArgumentException("backward from " + root + ": the value is not a scalar; pass a seed"
                    + " gradient of shape " + Arrays.toString(root.shape()));
        }
        if (seed != null && !seed.sameShape(root.value())) {
            throw ShapeException.of("backward", "the seed gradient", seed.shape(), root.label(), root.shape());
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward from " + root + ": it does not require a gradient (computed"
                    + " without parameters, or under NoGrad)");
        }
        Tensor g = Tensor.zeros(root.shape());
        if (seed == null) g.fill(1f); else g.copyFrom(seed);
        if (root.node == null) { // a bare parameter
            Tensor t = root.leafGrad();
            float[] td = t.data(), gd = g.data();
            for (int i = 0; i < gd.length; i++) td[t.offset() + i] += gd[i];
            return;
        }
        List<Node> order = topologicalOrder(root.node);
        root.node.setGrad(g);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            Tensor dy = n.takeGrad();
            if (dy != null) {
                n.backward(dy);
                MemoryMeter.free(dy.size() * 4L);
            }
            if (!retainGraph) n.release();
        }
    }

    /** Iterative DFS post-order (inputs before consumers); fails on nodes freed by an earlier backward. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {node, nextInputIndex}
        checkAlive(root);
        seen.add(root);
        stack.push(new Object[]{root, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node n = (Node) top[0];
            int i = (Integer) top[1];
            if (i < n.inputCount()) {
                top[1] = i + 1;
                Node p = n.input(i).node;
                if (p != null && n.input(i).requiresGrad() && seen.add(p)) {
                    checkAlive(p);
                    stack.push(new Object[]{p, 0});
                }
            } else {
                stack.pop();
                order.add(n);
            }
        }
        return order;
    }

    private static void checkAlive(Node n) {
        if (n.released()) {
            throw new IllegalStateException("backward through " + n.op + ": its saved tensors were freed by an earlier"
                    + " backward; run the forward again, or pass retainGraph=true to the first backward");
        }
    }

}
