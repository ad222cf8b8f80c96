package dev.calx.trainer.checkpoint;

import dev.calx.llama.format.MappedFile;
import dev.calx.llama.format.Safetensors;
import dev.calx.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named fp32 tensors to and from a safetensors file (the llama module's reader and writer). */
public final class TensorFiles {
    private TensorFiles() { }

    /**
     * Writes tensors as F32, in the map's order.
     *
     * @param file     the file, replaced when it exists
     * @param tensors  the tensors by name, any layout (each is copied contiguous)
     * @param metadata string pairs for the header's {@code __metadata__}
     * @throws IOException when the file cannot be written
     * @throws IllegalStateException on a big-endian machine
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Safetensors.Out> outs = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue().contiguous();
            int[] s = t.shape();
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) shape[i] = s[i];
            MemorySegment seg = MemorySegment.ofArray(t.toArray());
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalStateException("safetensors needs little-endian bytes; this machine is big-endian");
            }
            outs.add(new Safetensors.Out(e.getKey(), "F32", shape, seg));
        }
        Safetensors.write(file, outs, metadata);
    }

    /**
     * Reads every tensor (F32 only) into heap tensors, in file order.
     *
     * @param file a safetensors file
     * @return the tensors by name, copied out of the file (which is unmapped before returning)
     * @throws IOException when the file cannot be read or parsed, or a tensor is not F32
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            Safetensors.File f = Safetensors.read(MappedFile.map(file, arena));
            for (Safetensors.Entry e : f.entries().values()) {
                if (!e.dtype().equals("F32")) {
                    throw new IOException(file + ": tensor " + e.name() + " is " + e.dtype() + ", expected F32");
                }
                int[] shape = new int[e.shape().length];
                for (int i = 0; i < shape.length; i++) shape[i] = Math.toIntExact(e.shape()[i]);
                float[] data = f.data(e).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
                out.put(e.name(), Tensor.wrap(data, shape));
            }
        }
        return out;
    }
}
