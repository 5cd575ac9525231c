package dev.modelsummary.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A copy of a real ZIP (a torch.save archive) with one entry grown to {@code bigSize} zero bytes, written as a
 * hole in a sparse file: a gigabyte archive whose directory and pickle are the original's.
 */
final class SparseZip {
    private SparseZip() {
    }

    private record Written(String name, long crc, long size, long offset) {
    }

    static void copyWithBigEntry(Path source, Path target, String bigEntry, long bigSize) throws IOException {
        List<Written> written = new ArrayList<>();
        try (ZipFile zip = new ZipFile(source.toFile());
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
            for (ZipEntry entry : Collections.list((Enumeration<? extends ZipEntry>) zip.entries())) {
                long offset = out.getFilePointer();
                if (entry.getName().equals(bigEntry)) {
                    long crc = zerosCrc(bigSize);
                    out.write(localHeader(entry.getName(), crc, bigSize));
                    out.seek(out.getFilePointer() + bigSize); // a hole: nothing written
                    written.add(new Written(entry.getName(), crc, bigSize, offset));
                } else {
                    byte[] data = zip.getInputStream(entry).readAllBytes();
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    out.write(localHeader(entry.getName(), crc.getValue(), data.length));
                    out.write(data);
                    written.add(new Written(entry.getName(), crc.getValue(), data.length, offset));
                }
            }
            long directory = out.getFilePointer();
            ByteArrayOutputStream cd = new ByteArrayOutputStream();
            for (Written w : written) {
                byte[] name = w.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                le(cd, 0x02014b50, 4);
                le(cd, 20, 2);
                le(cd, 20, 2);
                le(cd, 0, 2);
                le(cd, 0, 2);
                le(cd, 0, 4); // time, date
                le(cd, w.crc(), 4);
                le(cd, w.size(), 4);
                le(cd, w.size(), 4);
                le(cd, name.length, 2);
                le(cd, 0, 2);
                le(cd, 0, 2);
                le(cd, 0, 2);
                le(cd, 0, 2);
                le(cd, 0, 4);
                le(cd, w.offset(), 4);
                cd.write(name, 0, name.length);
            }
            le(cd, 0x06054b50, 4);
            le(cd, 0, 2);
            le(cd, 0, 2);
            le(cd, written.size(), 2);
            le(cd, written.size(), 2);
            le(cd, cd.size() - 4 - 2 - 2 - 2 - 2, 4); // the directory's size: what was written before the EOCD
            le(cd, directory, 4);
            le(cd, 0, 2);
            byte[] bytes = cd.toByteArray();
            // fix the size field: everything before the EOCD record
            int eocd = bytes.length - 22;
            long size = eocd;
            for (int i = 0; i < 4; i++) {
                bytes[eocd + 12 + i] = (byte) (size >>> (8 * i));
            }
            out.write(bytes);
        }
    }

    private static byte[] localHeader(String entryName, long crc, long size) {
        byte[] name = entryName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, 0x04034b50, 4);
        le(out, 20, 2);
        le(out, 0, 2);
        le(out, 0, 2);
        le(out, 0, 4); // time, date
        le(out, crc, 4);
        le(out, size, 4);
        le(out, size, 4);
        le(out, name.length, 2);
        le(out, 0, 2);
        out.write(name, 0, name.length);
        return out.toByteArray();
    }

    private static long zerosCrc(long size) {
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[1 << 20];
        for (long left = size; left > 0; left -= zeros.length) {
            crc.update(zeros, 0, (int) Math.min(zeros.length, left));
        }
        return crc.getValue();
    }

    private static void le(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
