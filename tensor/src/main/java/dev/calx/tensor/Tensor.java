package dev.calx.tensor;

import java.util.Arrays;

/**
 * A dense fp32 tensor: a heap {@code float[]}, an offset, a shape and strides (row-major when
 * freshly allocated). Views ({@link #row}, {@link #slice}, {@link #view}, {@link #transpose})
 * share the array and copy nothing. Kernels require the last dimension to have stride 1 and
 * take the row stride from {@link #stride(int)}; call {@link #contiguous()} when in doubt.
 *
 * <p>Weights in other storage formats (bf16, f16, Q8_0, memory-mapped) live in
 * {@link WeightMatrix}; this type is what activations, gradients and trainable parameters use.
 *
 * <p>Shapes and strides are counted in elements (floats), not bytes. A Tensor is not
 * thread-safe: the array is shared by every view and nothing synchronizes writes; kernels that
 * split work over threads write disjoint rows. Methods taking a dimension index accept a
 * negative one only where they say so ({@link #dim}, {@link #stride(int)}).
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    /** Bumped by writers that want caches of this tensor (e.g. device copies) to refresh. */
    private long version;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /**
     * A new zero-filled contiguous tensor.
     *
     * @param shape the dimensions (none for a scalar); copied
     * @return a fresh tensor owning a new array
     * @throws ShapeException if a dimension is negative or the element count exceeds what a
     *                        Java array can hold
     */
    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        long n = checkedSize(s);
        if (n > Integer.MAX_VALUE - 8) {
            throw new ShapeException("Tensor.zeros: shape " + Arrays.toString(s) + " has " + n
                    + " elements, more than a Java array holds");
        }
        return new Tensor(new float[(int) n], 0, s, rowMajorStrides(s));
    }

    /**
     * Wraps an array (no copy) as a contiguous tensor of the given shape.
     *
     * @param data  the elements in row-major order; shared, later writes either way are seen
     * @param shape the dimensions, whose product must equal {@code data.length}; copied
     * @return a tensor over the whole array
     * @throws ShapeException if a dimension is negative or the shape's size is not the array's length
     */
    public static Tensor wrap(float[] data, int... shape) {
        int[] s = shape.clone();
        long n = checkedSize(s);
        if (n != data.length) {
            throw new ShapeException("Tensor.wrap: shape " + Arrays.toString(s) + " needs " + n
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, 0, s, rowMajorStrides(s));
    }

    /**
     * Wraps part of an array (no copy) starting at offset, contiguous.
     *
     * @param data   the backing array; shared
     * @param offset index of the first element in {@code data}
     * @param shape  the dimensions; the elements [offset, offset + size) must lie in the array
     * @return a tensor over that region
     * @throws ShapeException if a dimension is negative or the region does not fit in the array
     */
    public static Tensor wrapAt(float[] data, int offset, int... shape) {
        int[] s = shape.clone();
        long n = checkedSize(s);
        if (offset < 0 || offset + n > data.length) {
            throw new ShapeException("Tensor.wrapAt: shape " + Arrays.toString(s) + " at offset " + offset
                    + " does not fit in an array of " + data.length);
        }
        return new Tensor(data, offset, s, rowMajorStrides(s));
    }

    /**
     * A rank-0 tensor (shape []) holding v; as a matrix it is one row of one element.
     *
     * @param v the value
     * @return a new one-element tensor
     */
    public static Tensor scalar(float v) {
        return wrap(new float[]{v});
    }

    private static long checkedSize(int[] s) {
        long n = 1;
        for (int d : s) {
            if (d < 0) {
                throw new ShapeException("negative dimension in shape " + Arrays.toString(s));
            }
            n *= d;
        }
        return n;
    }

    static int[] rowMajorStrides(int[] s) {
        int[] st = new int[s.length];
        int acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    // ---- shape ----
    /** {@return the number of dimensions (0 for a tensor of shape [])} */
    public int rank() { return shape.length; }
    /** {@return a copy of the dimensions} */
    public int[] shape() { return shape.clone(); }
    /**
     * Size of one dimension.
     *
     * @param i the dimension, from 0; negative counts from the end (-1 is the last)
     * @return the number of elements along dimension i
     * @throws ArrayIndexOutOfBoundsException if i is outside [-rank, rank)
     */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    /**
     * Distance in elements between consecutive indices of one dimension.
     *
     * @param i the dimension, from 0; negative counts from the end (-1 is the last)
     * @return the stride of dimension i, in floats
     * @throws ArrayIndexOutOfBoundsException if i is outside [-rank, rank)
     */
    public int stride(int i) { return strides[i < 0 ? strides.length + i : i]; }
    /** {@return a copy of the strides, in floats} */
    public int[] strides() { return strides.clone(); }
    /**
     * The backing array itself (not a copy), shared with every view; element (i, j, ...) is at
     * {@code offset() + i * stride(0) + j * stride(1) + ...}.
     *
     * @return the backing array
     */
    public float[] data() { return data; }
    /** {@return the index in {@link #data()} of the first element} */
    public int offset() { return offset; }
    /**
     * The modification counter bumped by {@link #touch()}; device caches compare it to decide
     * whether to upload again. Writes through {@link #data()} do not change it.
     *
     * @return the current version, starting at 0
     */
    public long version() { return version; }
    /** Marks the contents as changed (invalidates device caches keyed on the version). */
    public void touch() { version++; }

    /** {@return the number of elements, the product of the dimensions (1 for rank 0)} */
    public int size() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /**
     * Number of rows when viewed as a matrix [size/lastDim][lastDim].
     *
     * @return the product of all dimensions but the last (1 for rank 0 and 1)
     */
    public int rows() {
        return shape.length == 0 ? 1 : size() / Math.max(1, shape[shape.length - 1]);
    }

    /**
     * Last dimension.
     *
     * @return the size of the last dimension (1 for rank 0)
     */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /**
     * Whether the elements occupy {@code data()[offset() .. offset() + size())} in row-major
     * order (dimensions of size 1 may have any stride).
     *
     * @return true for freshly allocated, wrapped and reshaped tensors and for slices along
     *         the first dimension; usually false after {@link #transpose}
     */
    public boolean isContiguous() {
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != acc) return false;
            acc *= shape[i];
        }
        return true;
    }

    /**
     * True when the rows (all dims but the last) can be walked with one row stride and the last dim has stride 1.
     * This is what the {@link Backend} kernels require.
     *
     * @return whether {@link #rowStride()} describes every row of the matrix view
     */
    public boolean hasUniformRows() {
        if (shape.length == 0) return true;
        if (cols() > 1 && strides[shape.length - 1] != 1) return false;
        if (shape.length <= 2) return true;
        // leading dims must collapse into a single stride
        for (int i = shape.length - 3; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != strides[i + 1] * shape[i + 1]) return false;
        }
        return true;
    }

    /**
     * Stride between consecutive rows of the matrix view (valid when {@link #hasUniformRows()}).
     *
     * @return the distance in floats from one row to the next ({@link #cols()} for rank 0 and 1)
     */
    public int rowStride() {
        if (shape.length < 2) return cols();
        return strides[shape.length - 2];
    }

    /**
     * Offset in {@link #data()} of row r of the matrix view. Works for any strides (the
     * leading dimensions are walked one by one when there are more than two); not range-checked.
     *
     * @param r the row, in [0, {@link #rows()})
     * @return the index of the row's first element in {@link #data()}
     */
    public int rowOffset(int r) {
        if (shape.length <= 2) return offset + r * rowStride();
        int off = offset;
        for (int i = shape.length - 2; i >= 0; i--) {
            int idx = r % shape[i];
            r /= shape[i];
            off += idx * strides[i];
        }
        return off;
    }

    // ---- element access (slow; for tests and setup) ----
    /**
     * One element, range-checked.
     *
     * @param idx one index per dimension
     * @return the element at idx
     * @throws ShapeException            if idx does not have one index per dimension
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public float get(int... idx) { return data[index(idx)]; }

    /**
     * Writes one element, range-checked. Does not bump {@link #version()}.
     *
     * @param v   the value
     * @param idx one index per dimension
     * @throws ShapeException            if idx does not have one index per dimension
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public void set(float v, int... idx) { data[index(idx)] = v; }

    private int index(int[] idx) {
        if (idx.length != shape.length) {
            throw new ShapeException("index " + Arrays.toString(idx) + " has rank " + idx.length
                    + " but the tensor has shape " + Arrays.toString(shape));
        }
        int off = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape "
                        + Arrays.toString(shape));
            }
            off += idx[i] * strides[i];
        }
        return off;
    }

    // ---- views ----
    /**
     * Row i along the first dimension, as a view of rank-1.
     * (That is rank {@code rank() - 1}: this is {@code select(0, i)}.)
     *
     * @param i the index along dimension 0
     * @return a view sharing this tensor's array
     * @throws IndexOutOfBoundsException if i is outside [0, dim(0))
     */
    public Tensor row(int i) {
        return select(0, i);
    }

    /**
     * Index along dim d, dropping that dim.
     *
     * @param d the dimension, in [0, rank)
     * @param i the index along d
     * @return a view of rank {@code rank() - 1} sharing this tensor's array
     * @throws IndexOutOfBoundsException if i is outside [0, dim(d))
     */
    public Tensor select(int d, int i) {
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select(" + d + ", " + i + ") out of bounds for shape " + Arrays.toString(shape));
        }
        int[] s = new int[shape.length - 1];
        int[] st = new int[shape.length - 1];
        for (int a = 0, b = 0; a < shape.length; a++) {
            if (a == d) continue;
            s[b] = shape[a];
            st[b++] = strides[a];
        }
        return new Tensor(data, offset + i * strides[d], s, st);
    }

    /**
     * Elements [from, to) along dim d.
     *
     * @param d    the dimension, in [0, rank)
     * @param from the first index kept
     * @param to   one past the last index kept; {@code from <= to <= dim(d)}
     * @return a view of the same rank sharing this tensor's array (contiguous when d is 0 and
     *         this tensor is contiguous; usually not otherwise)
     * @throws IndexOutOfBoundsException if the range does not lie in [0, dim(d)]
     */
    public Tensor slice(int d, int from, int to) {
        if (from < 0 || to > shape[d] || from > to) {
            throw new IndexOutOfBoundsException("slice(" + d + ", " + from + ", " + to + ") out of bounds for shape "
                    + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[d] = to - from;
        return new Tensor(data, offset + from * strides[d], s, strides.clone());
    }

    /**
     * Reshape without copying; requires a contiguous tensor. One dimension may be -1.
     *
     * @param newShape the new dimensions; a single -1 is inferred from the size
     * @return a contiguous view sharing this tensor's array
     * @throws ShapeException if the sizes differ, more than one dimension is -1, or this
     *                        tensor is not contiguous
     */
    public Tensor view(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeException("view: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : (int) (size() / known);
        if (checkedSize(s) != size()) {
            throw ShapeException.of("view", "the tensor", shape, "the requested view", newShape);
        }
        if (!isContiguous()) {
            throw new ShapeException("view: tensor of shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.toString(strides) + " is not contiguous; call contiguous() first");
        }
        return new Tensor(data, offset, s, rowMajorStrides(s));
    }

    /**
     * Swap two dimensions (a view; the result is usually not contiguous).
     * Transposing the last dimension leaves it with a stride other than 1, which the kernels
     * reject: call {@link #contiguous()} before passing the result to a {@link Backend}.
     *
     * @param a one dimension, in [0, rank)
     * @param b the other dimension, in [0, rank)
     * @return a view with dims a and b exchanged, sharing this tensor's array
     * @throws ArrayIndexOutOfBoundsException if a or b is outside [0, rank)
     */
    public Tensor transpose(int a, int b) {
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = shape[b]; s[b] = shape[a];
        st[a] = strides[b]; st[b] = strides[a];
        return new Tensor(data, offset, s, st);
    }

    /**
     * This tensor if contiguous, else a contiguous copy.
     *
     * @return this, or a fresh tensor that no longer shares storage
     */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /**
     * A fresh contiguous copy.
     *
     * @return a new tensor of the same shape owning a new array
     */
    public Tensor copy() {
        Tensor t = zeros(shape);
        t.copyFrom(this);
        return t;
    }

    /**
     * Element-wise copy from a tensor of the same shape (any strides). src and this must not
     * be overlapping views of one array unless both are contiguous.
     *
     * @param src the source, same shape as this
     * @throws ShapeException if the shapes differ
     */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw ShapeException.of("copyFrom", "destination", shape, "source", src.shape);
        }
        if (isContiguous() && src.isContiguous()) {
            System.arraycopy(src.data, src.offset, data, offset, size());
            return;
        }
        int[] idx = new int[shape.length];
        int n = size();
        for (int k = 0; k < n; k++) {
            int so = src.offset, d = offset;
            for (int i = 0; i < idx.length; i++) {
                so += idx[i] * src.strides[i];
                d += idx[i] * strides[i];
            }
            data[d] = src.data[so];
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
    }

    /**
     * The elements in row-major order, as a new array.
     *
     * @return a new array of {@link #size()} elements, never the backing array
     */
    public float[] toArray() {
        return contiguous() == this ? Arrays.copyOfRange(data, offset, offset + size()) : copy().data;
    }

    /**
     * Sets every element to v, whatever the strides: exactly the elements of this view are
     * written (a non-contiguous view is walked row by row through the matrix view, and along
     * its last dimension with that dimension's stride). Does not bump {@link #version()}.
     *
     * @param v the value
     */
    public void fill(float v) {
        if (isContiguous()) {
            Arrays.fill(data, offset, offset + size(), v);
            return;
        }
        int c = cols(), cs = strides[shape.length - 1]; // rank 0 is always contiguous
        for (int r = 0, n = rows(); r < n; r++) {
            int o = rowOffset(r);
            if (cs == 1) {
                Arrays.fill(data, o, o + c, v);
            } else {
                for (int j = 0; j < c; j++) data[o + j * cs] = v;
            }
        }
    }

    /**
     * Whether two tensors have the same dimensions (strides and storage are not compared).
     *
     * @param o the other tensor
     * @return true when the shapes are equal
     */
    public boolean sameShape(Tensor o) {
        return Arrays.equals(shape, o.shape);
    }

    /**
     * Throws a {@link ShapeException} naming both shapes when they differ.
     *
     * @param op       the operation, for the message
     * @param expected the required dimensions
     * @throws ShapeException if this tensor's shape is not {@code expected}
     */
    public void requireShape(String op, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw ShapeException.of(op, "the tensor", shape, "the expected shape", expected);
        }
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
