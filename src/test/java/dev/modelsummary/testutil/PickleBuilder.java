package dev.modelsummary.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Writes pickle opcodes byte by byte, so tests can build exactly the (possibly hostile) input they need. */
public final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static PickleBuilder protocol(int version) {
        return new PickleBuilder().op(0x80).u8(version);
    }

    public static PickleBuilder raw() {
        return new PickleBuilder();
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    public PickleBuilder op(int opcode) {
        out.write(opcode);
        return this;
    }

    public PickleBuilder op(char opcode) {
        return op((int) opcode);
    }

    public PickleBuilder u8(int value) {
        out.write(value);
        return this;
    }

    public PickleBuilder le(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    public PickleBuilder bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public PickleBuilder mark() {
        return op('(');
    }

    public PickleBuilder none() {
        return op('N');
    }

    public PickleBuilder int1(int value) {
        return op('K').u8(value);
    }

    public PickleBuilder int4(int value) {
        return op('J').le(value, 4);
    }

    /** BINUNICODE. */
    public PickleBuilder str(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return op('X').le(utf8.length, 4).bytes(utf8);
    }

    public PickleBuilder global(String module, String name) {
        return op('c').bytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public PickleBuilder tuple() {
        return op('t');
    }

    public PickleBuilder emptyTuple() {
        return op(')');
    }

    public PickleBuilder reduce() {
        return op('R');
    }

    public PickleBuilder put(int slot) {
        return op('q').u8(slot);
    }

    public PickleBuilder get(int slot) {
        return op('h').u8(slot);
    }

    public PickleBuilder stop() {
        return op('.');
    }

    /** MARK ints TUPLE: a size or stride tuple. */
    public PickleBuilder ints(long... values) {
        mark();
        for (long v : values) {
            int4((int) v);
        }
        return tuple();
    }

    /**
     * A torch tensor the way torch.save pickles it: {@code _rebuild_tensor_v2(storage pid, offset, size, stride,
     * False, OrderedDict())}.
     */
    public PickleBuilder tensorV2(String storageClass, String key, long numel, long offset, long[] size,
                                  long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").int4((int) numel).tuple().op('Q');
        int4((int) offset).ints(size).ints(stride).op(0x89);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    public byte[] build() {
        return out.toByteArray();
    }
}
