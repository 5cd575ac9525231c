package dev.modelsummary.format.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Safetensors files built byte by byte, so each test shows exactly what is on disk. */
final class StFiles {
    private StFiles() {
    }

    /** {@code u64 LE N}, the header's UTF-8 bytes (N of them), then {@code dataBytes} zero bytes. */
    static byte[] file(String header, long dataBytes) {
        return raw(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    static byte[] raw(byte[] header, long dataBytes) {
        return withLength(header.length, header, dataBytes);
    }

    /** Any declared length, whatever the header really holds. */
    static byte[] withLength(long declared, byte[] header, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + header.length + dataBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(header);
        return b.array();
    }

    /** {@code "name":{"dtype":...,"shape":[...],"data_offsets":[begin,end]}}: one header entry. */
    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** A header object of the given entries. */
    static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
