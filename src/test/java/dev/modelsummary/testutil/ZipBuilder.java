package dev.modelsummary.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a STORED ZIP archive byte by byte (PKWARE APPNOTE), optionally in ZIP64 form (every size and offset
 * 0xFFFFFFFF in the headers, the real values in ZIP64 extra fields, a ZIP64 EOCD record and locator), with a
 * local-header extra field that differs from the central one, as torch's writer does.
 *
 * <p>A hostile archive lies in its central directory: {@link #flags}, {@link #method}, {@link #claims} and
 * {@link #claimsOffset} change what the last added record's central header says, and nothing else.
 */
public final class ZipBuilder {
    private static final class Item {
        final String name;
        final byte[] data;
        final int localPadding;
        int flags;
        int method;
        Long claimedCompressedSize;
        Long claimedSize;
        Long claimedOffset;

        Item(String name, byte[] data, int localPadding) {
            this.name = name;
            this.data = data;
            this.localPadding = localPadding;
        }
    }

    private final List<Item> items = new ArrayList<>();
    private boolean zip64;
    private byte[] comment = new byte[0];

    public ZipBuilder add(String name, byte[] data) {
        return add(name, data, 0);
    }

    /** @param localPadding bytes of a local-only extra field (id 0x4246 "FB", like torch's alignment padding) */
    public ZipBuilder add(String name, byte[] data, int localPadding) {
        items.add(new Item(name, data, localPadding));
        return this;
    }

    /** General-purpose flags of the last record, in both its headers (0x1 encrypted, 0x20 patched, ...). */
    public ZipBuilder flags(int flags) {
        last().flags = flags;
        return this;
    }

    /** The compression method the last record's central header names; its bytes stay as added. */
    public ZipBuilder method(int method) {
        last().method = method;
        return this;
    }

    /** Sizes the last record's central header claims (past 4 GiB only with {@link #zip64}). */
    public ZipBuilder claims(long compressedSize, long size) {
        last().claimedCompressedSize = compressedSize;
        last().claimedSize = size;
        return this;
    }

    /** The local-header offset the last record's central header claims. */
    public ZipBuilder claimsOffset(long offset) {
        last().claimedOffset = offset;
        return this;
    }

    private Item last() {
        return items.get(items.size() - 1);
    }

    public ZipBuilder zip64() {
        zip64 = true;
        return this;
    }

    public ZipBuilder comment(String text) {
        comment = text.getBytes(StandardCharsets.US_ASCII);
        return this;
    }

    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] offsets = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            offsets[i] = out.size();
            writeLocal(out, items.get(i));
        }
        long cdStart = out.size();
        for (int i = 0; i < items.size(); i++) {
            writeCentral(out, items.get(i), offsets[i]);
        }
        long cdSize = out.size() - cdStart;
        int n = items.size();
        if (zip64) {
            long recordAt = out.size();
            le(out, 0x06064b50, 4);
            le(out, 44, 8);
            le(out, 45, 2);
            le(out, 45, 2);
            le(out, 0, 4);
            le(out, 0, 4);
            le(out, n, 8);
            le(out, n, 8);
            le(out, cdSize, 8);
            le(out, cdStart, 8);
            le(out, 0x07064b50, 4);
            le(out, 0, 4);
            le(out, recordAt, 8);
            le(out, 1, 4);
        }
        le(out, 0x06054b50, 4);
        le(out, 0, 2);
        le(out, 0, 2);
        le(out, zip64 ? 0xFFFF : n, 2);
        le(out, zip64 ? 0xFFFF : n, 2);
        le(out, zip64 ? 0xFFFFFFFFL : cdSize, 4);
        le(out, zip64 ? 0xFFFFFFFFL : cdStart, 4);
        le(out, comment.length, 2);
        out.writeBytes(comment);
        return out.toByteArray();
    }

    private void writeLocal(ByteArrayOutputStream out, Item item) {
        byte[] name = item.name.getBytes(StandardCharsets.UTF_8);
        le(out, 0x04034b50, 4);
        le(out, zip64 ? 45 : 20, 2);
        le(out, item.flags, 2);
        le(out, item.method, 2);
        le(out, 0, 4);
        le(out, crc(item.data), 4);
        le(out, zip64 ? 0xFFFFFFFFL : item.data.length, 4);
        le(out, zip64 ? 0xFFFFFFFFL : item.data.length, 4);
        le(out, name.length, 2);
        int extra = (zip64 ? 20 : 0) + (item.localPadding > 0 ? 4 + item.localPadding : 0);
        le(out, extra, 2);
        out.writeBytes(name);
        if (zip64) {
            le(out, 1, 2);
            le(out, 16, 2);
            le(out, item.data.length, 8);
            le(out, item.data.length, 8);
        }
        if (item.localPadding > 0) {
            le(out, 0x4246, 2);
            le(out, item.localPadding, 2);
            out.writeBytes("Z".repeat(item.localPadding).getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(item.data);
    }

    private void writeCentral(ByteArrayOutputStream out, Item item, long actualOffset) {
        byte[] name = item.name.getBytes(StandardCharsets.UTF_8);
        long compressed = item.claimedCompressedSize != null ? item.claimedCompressedSize : item.data.length;
        long size = item.claimedSize != null ? item.claimedSize : item.data.length;
        long offset = item.claimedOffset != null ? item.claimedOffset : actualOffset;
        le(out, 0x02014b50, 4);
        le(out, 45, 2);
        le(out, zip64 ? 45 : 20, 2);
        le(out, item.flags, 2);
        le(out, item.method, 2);
        le(out, 0, 4);
        le(out, crc(item.data), 4);
        le(out, zip64 ? 0xFFFFFFFFL : compressed, 4);
        le(out, zip64 ? 0xFFFFFFFFL : size, 4);
        le(out, name.length, 2);
        le(out, zip64 ? 28 : 0, 2);
        le(out, 0, 2);
        le(out, 0, 2);
        le(out, 0, 2);
        le(out, 0, 4);
        le(out, zip64 ? 0xFFFFFFFFL : offset, 4);
        out.writeBytes(name);
        if (zip64) {
            le(out, 1, 2);
            le(out, 24, 2);
            le(out, size, 8);
            le(out, compressed, 8);
            le(out, offset, 8);
        }
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private static void le(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }
}
