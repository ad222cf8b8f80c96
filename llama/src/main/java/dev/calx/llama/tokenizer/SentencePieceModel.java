package dev.calx.llama.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece's {@code tokenizer.model} (a serialized {@code ModelProto}), read and written by
 * hand. Fields used: {@code pieces} (1: piece=1, score=2, type=3), {@code trainer_spec} (2:
 * model_type=3, treat_whitespace_as_suffix=24, byte_fallback=35, unk/bos/eos/pad_id=40..43,
 * unk_surface=44) and {@code normalizer_spec} (3: precompiled_charsmap=2, add_dummy_prefix=3,
 * remove_extra_whitespaces=4, escape_whitespaces=5). Only BPE models without a character map are
 * accepted (Llama's); anything else is an error naming the field, never a silently wrong tokenizer.
 *
 * <p>Writing keeps every byte of the original records and fields it did not change, so a model
 * read and written again is byte-identical, and added tokens appear as extra USER_DEFINED pieces
 * that the sentencepiece library itself loads and matches (with {@code trainer_spec.vocab_size}
 * (4) set to the new piece count).
 */
public final class SentencePieceModel {
    private static final int MODEL_TYPE_BPE = 2;

    private SentencePieceModel() {
    }

    /**
     * The raw bytes of a parsed model that writing reuses: one record per original piece and the
     * other top-level fields (trainer and normalizer specs, self-test data) in file order.
     */
    record Template(List<byte[]> pieceRecords, byte[] otherFields) {
    }

    /**
     * Reads a tokenizer.model.
     *
     * @param file a serialized ModelProto, read whole into memory
     * @return the tokenizer, remembering the file's records for {@link #write}
     * @throws IOException when the file cannot be read, is malformed protobuf, is not a BPE model,
     *                     has a character map, or its vocabulary is invalid
     */
    public static SentencePieceTokenizer load(Path file) throws IOException {
        return parse(file.toString(), Files.readAllBytes(file));
    }

    static SentencePieceTokenizer parse(String source, byte[] data) throws IOException {
        List<String> pieces = new ArrayList<>();
        List<PieceType> types = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        Protobuf.Writer others = new Protobuf.Writer();
        int modelType = 1; // UNIGRAM is the proto default
        boolean byteFallback = false, suffix = false;
        int unk = 0, bos = 1, eos = 2, pad = -1;
        String unkSurface = null;
        boolean dummy = true, removeWs = true, escapeWs = true;

        Protobuf.Reader top = new Protobuf.Reader(source, data, 0, data.length);
        while (top.next()) {
            int fieldStart = top.fieldStart;
            switch (top.field) {
                case 1 -> {
                    int s = top.lenStart(), e = top.lenEnd;
                    int id = pieces.size();
                    Protobuf.Reader r = new Protobuf.Reader(source + " piece " + id, data, s, e);
                    String piece = null;
                    float score = 0f;
                    PieceType type = PieceType.NORMAL;
                    while (r.next()) {
                        switch (r.field) {
                            case 1 -> piece = r.string();
                            case 2 -> score = r.fixed32Float();
                            case 3 -> {
                                long code = r.varintField();
                                type = PieceType.ofCode((int) code);
                                if (type == null) throw r.error("a piece type 1..6", String.valueOf(code));
                            }
                            default -> r.skip();
                        }
                    }
                    if (piece == null || piece.isEmpty()) throw r.error("a non-empty piece (field 1)", "none");
                    pieces.add(piece);
                    scores.add(score);
                    types.add(type);
                    records.add(java.util.Arrays.copyOfRange(data, fieldStart, e));
                }
                case 2 -> {
                    int s = top.lenStart();
                    Protobuf.Reader r = new Protobuf.Reader(source + " trainer_spec", data, s, top.lenEnd);
                    while (r.next()) {
                        switch (r.field) {
                            case 3 -> modelType = (int) r.varintField();
                            case 24 -> suffix = r.varintField() != 0;
                            case 35 -> byteFallback = r.varintField() != 0;
                            case 40 -> unk = (int) r.varintField();
                            case 41 -> bos = (int) r.varintField();
                            case 42 -> eos = (int) r.varintField();
                            case 43 -> pad = (int) r.varintField();
                            case 44 -> unkSurface = r.string();
                            default -> r.skip();
                        }
                    }
                    others.raw(data, fieldStart, top.position());
                }
                case 3, 5 -> {
                    boolean denormalizer = top.field == 5;
                    int s = top.lenStart();
                    String name = denormalizer ? "denormalizer_spec" : "normalizer_spec";
                    Protobuf.Reader r = new Protobuf.Reader(source + " " + name, data, s, top.lenEnd);
                    while (r.next()) {
                        switch (r.field) {
                            case 2 -> {
                                int cs = r.lenStart();
                                if (r.lenEnd > cs) {
                                    throw new IOException(source + ": " + name + ".precompiled_charsmap is not empty ("
                                            + (r.lenEnd - cs) + " bytes); only models without a character map "
                                            + "(normalization rule 'identity', as Llama's) are supported");
                                }
                            }
                            case 3 -> dummy = denormalizer ? dummy : r.varintField() != 0;
                            case 4 -> removeWs = denormalizer ? removeWs : r.varintField() != 0;
                            case 5 -> escapeWs = denormalizer ? escapeWs : r.varintField() != 0;
                            default -> r.skip();
                        }
                    }
                    others.raw(data, fieldStart, top.position());
                }
                default -> {
                    top.skip();
                    others.raw(data, fieldStart, top.position());
                }
            }
        }
        if (modelType != MODEL_TYPE_BPE) {
            throw new IOException(source + ": trainer_spec.model_type is " + modelType
                    + (modelType == 1 ? " (UNIGRAM)" : "") + "; only BPE (2) models are supported");
        }
        if (pieces.isEmpty()) throw new IOException(source + ": no pieces (field 1)");
        float[] sc = new float[scores.size()];
        for (int i = 0; i < sc.length; i++) sc[i] = scores.get(i);
        Vocabulary v;
        try {
            v = new Vocabulary(source, pieces, sc, types, unk, bos, eos, pad, byteFallback,
                    new Normalization(dummy, removeWs, escapeWs, suffix), unkSurface);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new SentencePieceTokenizer(v, new Template(records, others.toByteArray()));
    }

    /**
     * Writes the tokenizer as a tokenizer.model (to a temp file, then renamed).
     * A tokenizer read from a tokenizer.model is written back with its original records, and its
     * added pieces appended (the trainer spec then gets the new vocab_size, its other fields kept
     * as they were); one built otherwise gets fresh trainer and normalizer specs.
     *
     * @param t    the tokenizer
     * @param file the target file, replaced if it exists
     * @throws IOException when writing fails
     */
    public static void write(SentencePieceTokenizer t, Path file) throws IOException {
        dev.calx.llama.format.TempFiles.writeAtomically(file, serialize(t));
    }

    /**
     * The bytes {@link #write} writes (a serialized ModelProto), without a file: original records
     * where there are some, fresh ones for the rest.
     *
     * @param t the tokenizer
     * @return the tokenizer.model bytes
     * @throws IOException when a kept record cannot be re-read
     */
    public static byte[] serialize(SentencePieceTokenizer t) throws IOException {
        Vocabulary v = t.vocabulary();
        Template tpl = t.template();
        Protobuf.Writer w = new Protobuf.Writer();
        int reuse = tpl == null ? 0 : Math.min(tpl.pieceRecords().size(), v.size());
        for (int id = 0; id < v.size(); id++) {
            if (id < reuse) {
                byte[] rec = tpl.pieceRecords().get(id);
                w.raw(rec, 0, rec.length);
                continue;
            }
            Protobuf.Writer p = new Protobuf.Writer();
            p.stringField(1, v.piece(id));
            p.floatField(2, v.score(id));
            p.varintField(3, v.type(id).code);
            w.bytesField(1, p.toByteArray());
        }
        if (tpl != null) {
            byte[] o = tpl.otherFields();
            if (v.size() != tpl.pieceRecords().size()) o = withTrainerVocabSize(o, v.size());
            w.raw(o, 0, o.length);
        } else {
            Normalization nz = v.normalization();
            Protobuf.Writer ts = new Protobuf.Writer();
            ts.varintField(3, MODEL_TYPE_BPE);
            ts.varintField(4, v.size());
            ts.varintField(24, nz.treatWhitespaceAsSuffix() ? 1 : 0);
            ts.varintField(35, v.byteFallback() ? 1 : 0);
            ts.varintField(40, v.unkId());
            ts.varintField(41, v.bosId());
            ts.varintField(42, v.eosId());
            ts.varintField(43, v.padId());
            ts.stringField(44, v.unkSurface());
            w.bytesField(2, ts.toByteArray());
            Protobuf.Writer ns = new Protobuf.Writer();
            ns.stringField(1, "identity");
            ns.varintField(3, nz.addDummyPrefix() ? 1 : 0);
            ns.varintField(4, nz.removeExtraWhitespaces() ? 1 : 0);
            ns.varintField(5, nz.escapeWhitespaces() ? 1 : 0);
            w.bytesField(3, ns.toByteArray());
        }
        return w.toByteArray();
    }

    /**
     * The top-level fields of a template with every trainer_spec (2) given vocab_size (4) = size:
     * the old value replaced, or a new field put before the first field numbered above 4 (where
     * sentencepiece's own serializer puts it); every other field kept byte for byte.
     */
    static byte[] withTrainerVocabSize(byte[] fields, int size) throws IOException {
        Protobuf.Writer w = new Protobuf.Writer();
        Protobuf.Reader top = new Protobuf.Reader("template", fields, 0, fields.length);
        while (top.next()) {
            int start = top.fieldStart;
            if (top.field != 2) {
                top.skip();
                w.raw(fields, start, top.position());
                continue;
            }
            int s = top.lenStart(), e = top.lenEnd;
            Protobuf.Writer spec = new Protobuf.Writer();
            Protobuf.Reader r = new Protobuf.Reader("trainer_spec", fields, s, e);
            boolean written = false;
            while (r.next()) {
                int fs = r.fieldStart, f = r.field;
                r.skip();
                if (!written && f >= 4) {
                    spec.varintField(4, size);
                    written = true;
                }
                if (f != 4) spec.raw(fields, fs, r.position());
            }
            if (!written) spec.varintField(4, size);
            w.bytesField(2, spec.toByteArray());
        }
        return w.toByteArray();
    }
}
