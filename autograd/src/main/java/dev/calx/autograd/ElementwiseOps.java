package dev.calx.autograd;

import dev.calx.autograd.internal.Kernels;
import dev.calx.autograd.internal.RowKernels;
import dev.calx.tensor.Backends;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

/** add / mul (with a single row broadcast over the rows of the left operand), scale, sum, SiLU, SwiGLU. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    private static boolean rowBroadcast(String op, Variable a, Variable b) {
        Tensor x = a.value(), y = b.value();
        if (x.sameShape(y)) return false;
        if (y.size() == x.cols() && (y.rank() == 1 || y.rows() == 1)) return x.rows() != 1;
        throw ShapeException.of(op, a.label(), x.shape(), b.label(), y.shape());
    }

    // ------------------------------------------------------------------ add

    static Variable add(Variable av, Variable bv) {
        boolean bcast = rowBroadcast("add", av, bv);
        Tensor a = av.value().contiguous(), b = bv.value().contiguous();
        Tensor out = Tensor.zeros(a.shape());
        Backends.get().add(flat(a), bcast ? b.view(1, a.cols()) : flat(b), flat(out));
        if (!GradMode.recording(av, bv)) return Variable.result(out, null);
        Node node = new Node("add", a.shape(), av, bv) {
            @Override
            void backward(Tensor dy) {
                Tensor ga = gradOf(0), gb = gradOf(1);
                if (ga != null) Accumulate.add(ga, dy, 1f);
                if (gb != null) {
                    if (bcast) Accumulate.addColumnSums(gb, flat(dy));
                    else Accumulate.add(gb, dy, 1f);
                }
            }
        };
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    /** A contiguous tensor seen as a matrix [rows][cols] (rank 0/1 become one row). */
    static Tensor flat(Tensor t) {
        return t.view(t.rows(), t.cols());
    }

    // ------------------------------------------------------------------ mul

    static Variable mul(Variable av, Variable bv) {
        boolean bcast = rowBroadcast("mul", av, bv);
        Tensor a = av.value().contiguous(), b = bv.value().contiguous();
        Tensor out = Tensor.zeros(a.shape());
        Backends.get().mul(flat(a), bcast ? b.view(1, a.cols()) : flat(b), flat(out));
        if (!GradMode.recording(av, bv)) return Variable.result(out, null);
        Node node = new MulNode(av, bv, a, b, bcast);
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    // ------------------------------------------------------------------ scale, sum

    static Variable scale(Variable av, float s) {
        Tensor a = av.value().contiguous();
        Tensor out = Tensor.zeros(a.shape());
        Backends.get().scale(flat(a), s, flat(out));
        if (!GradMode.recording(av)) return Variable.result(out, null);
        Node node = new Node("scale", a.shape(), av) {
            @Override
            void backward(Tensor dy) {
                Tensor ga = gradOf(0);
                if (ga != null) Accumulate.add(ga, dy, s);
            }
        };
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    static Variable sum(Variable av) {
        Tensor a = av.value().contiguous();
        double acc = 0;
        float[] d = a.data();
        for (int i = 0, n = a.size(); i < n; i++) acc += d[a.offset() + i];
        Tensor out = Tensor.scalar((float) acc);
        if (!GradMode.recording(av)) return Variable.result(out, null);
        Node node = new Node("sum", out.shape(), av) {
            @Override
            void backward(Tensor dy) {
                Tensor ga = gradOf(0);
                if (ga == null) return;
                float g = dy.data()[dy.offset()];
                float[] gd = ga.data();
                for (int i = 0, n = ga.size(); i < n; i++) gd[ga.offset() + i] += g;
            }
        };
        node.hold(4);
        return Variable.result(out, node);
    }

    // ------------------------------------------------------------------ SiLU, SwiGLU

    static Variable silu(Variable xv) {
        Tensor x = xv.value().contiguous();
        Tensor out = Tensor.zeros(x.shape());
        RowKernels.siluForward(x.data(), x.offset(), out.data(), 0, x.size());
        if (!GradMode.recording(xv)) return Variable.result(out, null);
        Node node = new SiluNode(xv, x);
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    static Variable swiglu(Variable gv, Variable uv) {
        Tensor g = gv.value().contiguous(), u = uv.value().contiguous();
        if (!g.sameShape(u)) throw ShapeException.of("swiglu", "gate " + gv.label(), g.shape(), "up " + uv.label(), u.shape());
        Tensor out = Tensor.zeros(g.shape());
        Kernels.swigluForward(g.data(), g.offset(), u.data(), u.offset(), out.data(), 0, g.size());
        if (!GradMode.recording(gv, uv)) return Variable.result(out, null);
        Node node = new SwigluNode(gv, uv, g, u);
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    // Nodes that save tensors are named classes: an anonymous class would capture the locals
    // for good and defeat releaseSaved().

    private static final class MulNode extends Node {
        private Tensor a, b;
        private final boolean bcast;

        MulNode(Variable av, Variable bv, Tensor a, Tensor b, boolean bcast) {
            super("mul", a.shape(), av, bv);
            this.a = a;
            this.b = b;
            this.bcast = bcast;
        }

        @Override
        void backward(Tensor dy) {
            Tensor ga = gradOf(0), gb = gradOf(1);
            if (ga != null) Accumulate.addProduct(flat(ga), flat(dy), bcast ? b.view(1, a.cols()) : flat(b));
            if (gb != null) {
                if (bcast) Accumulate.addColumnSumsOfProduct(gb, flat(dy), flat(a));
                else Accumulate.addProduct(flat(gb), flat(dy), flat(a));
            }
        }

        @Override
        void releaseSaved() {
            a = null;
            b = null;
        }
    }

    private static final class SiluNode extends Node {
        private Tensor x;

        SiluNode(Variable xv, Tensor x) {
            super("silu", x.shape(), xv);
            this.x = x;
        }

        @Override
        void backward(Tensor dy) {
            Tensor gx = gradOf(0);
            if (gx != null) RowKernels.siluBackward(x.data(), x.offset(), dy.data(), dy.offset(), gx.data(), gx.offset(), x.size());
        }

        @Override
        void releaseSaved() {
            x = null;
        }
    }

    private static final class SwigluNode extends Node {
        private Tensor g, u;

        SwigluNode(Variable gv, Variable uv, Tensor g, Tensor u) {
            super("swiglu", g.shape(), gv, uv);
            this.g = g;
            this.u = u;
        }

        @Override
        void backward(Tensor dy) {
            Tensor gg = gradOf(0), gu = gradOf(1);
            Kernels.swigluBackward(g.data(), g.offset(), u.data(), u.offset(), dy.data(), dy.offset(),
                    gg == null ? null : gg.data(), gg == null ? 0 : gg.offset(),
                    gu == null ? null : gu.data(), gu == null ? 0 : gu.offset(), g.size());
        }

        @Override
        void releaseSaved() {
            g = null;
            u = null;
        }
    }
}
