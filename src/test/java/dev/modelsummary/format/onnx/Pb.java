package dev.modelsummary.format.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Protobuf wire bytes written by hand, for tests: keys, varints, length-delimited fields. */
final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Pb of() {
        return new Pb();
    }

    static byte[] varintBytes(long value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            b.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        b.write((int) value);
        return b.toByteArray();
    }

    Pb raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Pb varint(int field, long value) {
        return raw(varintBytes((long) field << 3)).raw(varintBytes(value));
    }

    Pb bytes(int field, byte[] payload) {
        return raw(varintBytes((long) field << 3 | 2)).raw(varintBytes(payload.length)).raw(payload);
    }

    Pb message(int field, Pb payload) {
        return bytes(field, payload.build());
    }

    Pb string(int field, String text) {
        return bytes(field, text.getBytes(StandardCharsets.UTF_8));
    }

    byte[] build() {
        return out.toByteArray();
    }

    // ONNX shapes.

    /** A TensorProto: dims unpacked, data_type, name, raw_data of {@code rawBytes} zero bytes (none when < 0). */
    static Pb tensor(String name, int dataType, int rawBytes, long... dims) {
        Pb t = of();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType).string(8, name);
        if (rawBytes >= 0) {
            t.bytes(9, new byte[rawBytes]);
        }
        return t;
    }

    /** A ModelProto with ir_version 8 around a graph of these fields. */
    static byte[] model(Pb graph) {
        return of().varint(1, 8).string(2, "test").message(7, graph).build();
    }

    /** A Constant node with output {@code output} and these attributes. */
    static Pb constant(String output, Pb... attributes) {
        Pb node = of().string(2, output).string(4, "Constant");
        for (Pb a : attributes) {
            node.message(5, a);
        }
        return node;
    }
}
