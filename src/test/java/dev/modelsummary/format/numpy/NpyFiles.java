package dev.modelsummary.format.numpy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Byte-built .npy files and deflated .npz archives for tests. */
final class NpyFiles {
    private NpyFiles() {
    }

    /** A version 1.0 .npy file: magic, version, u16 header length, the header as given (latin1), then data. */
    static byte[] npy(String header, int dataBytes) {
        return npy(1, header.getBytes(StandardCharsets.ISO_8859_1), dataBytes);
    }

    /** A .npy file of the given major version, header bytes as given, then {@code dataBytes} zero bytes. */
    static byte[] npy(int major, byte[] header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NpyHeader.MAGIC);
        out.write(major);
        out.write(0);
        int length = header.length;
        out.write(length & 0xff);
        out.write(length >>> 8 & 0xff);
        if (major != 1) {
            out.write(length >>> 16 & 0xff);
            out.write(length >>> 24 & 0xff);
        }
        out.writeBytes(header);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** numpy's own header text for a descr and shape, unpadded. */
    static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    /** A ZIP of deflated members, as np.savez_compressed writes (java.util.zip's writer). */
    static byte[] deflatedZip(String[] names, byte[][] members) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < names.length; i++) {
                zip.putNextEntry(new ZipEntry(names[i]));
                zip.write(members[i]);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
