package dev.modelsummary.format.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes field by field for tests (layout in formats.md 4.1; v1 writes u32 counts and lengths). */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int version;

    private GgufBytes(int version) {
        this.version = version;
    }

    /** "GGUF", version, tensor count, kv count. */
    static GgufBytes header(int version, long tensors, long kvs) {
        GgufBytes b = new GgufBytes(version);
        b.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version);
        return b.count(tensors).count(kvs);
    }

    GgufBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u16(int v) {
        return raw(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }

    GgufBytes u32(long v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    GgufBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** u64 in v2/v3, u32 in v1. */
    GgufBytes count(long n) {
        return version == 1 ? u32(n) : u64(n);
    }

    GgufBytes string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return count(b.length).raw(b);
    }

    GgufBytes kvString(String key, String value) {
        return string(key).u32(GgufHeader.STRING).string(value);
    }

    GgufBytes kvU32(String key, long value) {
        return string(key).u32(GgufHeader.UINT32).u32(value);
    }

    /** name, n_dims, dims as given (ggml order, innermost first), type, offset. */
    GgufBytes tensor(String name, int type, long offset, long... ne) {
        string(name).u32(ne.length);
        for (long d : ne) {
            count(d);
        }
        return u32(type).u64(offset);
    }

    int size() {
        return out.size();
    }

    /** Zero padding to a multiple of {@code align}, then {@code dataBytes} zero bytes. */
    byte[] withData(int align, int dataBytes) {
        int pad = (align - out.size() % align) % align;
        out.writeBytes(new byte[pad + dataBytes]);
        return out.toByteArray();
    }

    byte[] build() {
        return out.toByteArray();
    }
}
