package dev.modelsummary.format.zip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipDirectoryTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WORLD = "world!!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void readsNamesSizesAndDataOffsetsFromTheLocalHeaders() throws IOException {
        byte[] zip = new ZipBuilder().add("a/data.pkl", HELLO, 17).add("a/data/0", WORLD, 3).build();

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);

            assertThat(directory.entries()).extracting(ZipDirectory.Entry::name).containsExactly("a/data.pkl", "a/data/0");
            assertThat(directory.entries()).extracting(ZipDirectory.Entry::size).containsExactly(5L, 7L);
            ZipDirectory.Entry second = directory.find("a/data/0").orElseThrow();
            // local header 30 + name 8 + local-only extra (4 + 3): the central directory has no extra at all
            long offset = directory.dataOffset(channel, second);
            assertThat(offset).isEqualTo(second.localHeaderOffset() + 30 + 8 + 7);
            assertThat(Arrays.copyOfRange(zip, (int) offset, (int) offset + 7)).isEqualTo(WORLD);
            assertThat(readAll(directory, channel, "a/data.pkl")).isEqualTo(HELLO);
        }
    }

    @Test
    void zip64SizesAndOffsetsComeFromTheExtraFieldAndTheZip64Record() throws IOException {
        byte[] zip = new ZipBuilder().zip64().add("a/data.pkl", HELLO).add("a/data/0", WORLD).build();

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);

            assertThat(directory.entries()).extracting(ZipDirectory.Entry::size).containsExactly(5L, 7L);
            assertThat(directory.entries()).extracting(ZipDirectory.Entry::compressedSize).containsExactly(5L, 7L);
            assertThat(directory.entries().get(0).localHeaderOffset()).isZero();
            assertThat(directory.entries().get(1).localHeaderOffset()).isEqualTo(30 + 10 + 20 + 5);
            assertThat(readAll(directory, channel, "a/data/0")).isEqualTo(WORLD);
        }
    }

    @Test
    void findsTheEndRecordBehindAComment() throws IOException {
        byte[] zip = new ZipBuilder().add("x/y", HELLO).comment("made by a test").build();

        try (SeekableByteChannel channel = channel(zip)) {
            assertThat(ZipDirectory.read(channel).find("x/y")).isPresent();
        }
    }

    @Test
    void agreesWithJavaUtilZipOnARealTorchFile() throws IOException {
        Path file = Resources.path("fixtures/pytorch/resnet18.pth");
        try (ZipFile jdk = new ZipFile(file.toFile()); SeekableByteChannel channel = Files.newByteChannel(file)) {
            List<ZipDirectory.Entry> ours = ZipDirectory.read(channel).entries();
            Enumeration<? extends ZipEntry> theirs = jdk.entries();
            for (ZipDirectory.Entry entry : ours) {
                ZipEntry expected = theirs.nextElement();
                assertThat(entry.name()).isEqualTo(expected.getName());
                assertThat(entry.size()).isEqualTo(expected.getSize());
                assertThat(entry.method()).isEqualTo(ZipDirectory.STORED);
            }
            assertThat(theirs.hasMoreElements()).isFalse();
            assertThat(ours).hasSize(jdk.size());
        }
    }

    @Test
    void inflatesDeflatedRecords() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] text = "abc".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("d/text"));
            out.write(text);
            out.closeEntry();
        }

        try (SeekableByteChannel channel = channel(bytes.toByteArray())) {
            ZipDirectory directory = ZipDirectory.read(channel);
            assertThat(directory.entries().get(0).method()).isEqualTo(ZipDirectory.DEFLATED);
            assertThat(readAll(directory, channel, "d/text")).isEqualTo(text);
        }
    }

    @Test
    void corruptDeflatedDataIsAFormatError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("d/text"));
            out.write("abc".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        byte[] zip = bytes.toByteArray();
        zip[30 + "d/text".length()] = (byte) 0xff; // first deflate block header: reserved block type 3

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);
            assertThatThrownBy(() -> readAll(directory, channel, "d/text"))
                    .isInstanceOf(FormatException.class)
                    .hasMessage("ZIP record 'd/text' holds corrupt deflated data.");
        }
    }

    @Test
    void aTruncatedArchiveHasNoEndRecord() throws IOException {
        byte[] zip = new ZipBuilder().add("a/data.pkl", HELLO).build();

        assertThatThrownBy(() -> read(Arrays.copyOf(zip, zip.length - 1)))
                .isInstanceOf(FormatException.class)
                .hasMessage("ZIP end-of-central-directory record not found; the file is truncated or not a ZIP archive.");
    }

    @Test
    void bytesThatAreNoZipHaveNoEndRecord() {
        assertThatThrownBy(() -> read(new byte[100]))
                .hasMessage("ZIP end-of-central-directory record not found; the file is truncated or not a ZIP archive.");
        assertThatThrownBy(() -> read(new byte[3]))
                .hasMessage("ZIP end-of-central-directory record not found; the file is truncated or not a ZIP archive.");
    }

    @Test
    void rejectsACentralDirectoryOutsideTheFile() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).build();
        patchInt(zip, zip.length - 22 + 16, 1_000_000); // EOCD: directory offset

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP central directory (49 bytes at byte 1000000) lies outside the file.");
    }

    @Test
    void rejectsMoreRecordsThanTheDirectoryCanHold() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).build();
        patchShort(zip, zip.length - 22 + 10, 500); // EOCD: total records

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP archive declares 500 records, more than its 49-byte central directory can hold.");
    }

    @Test
    void rejectsAZip64RecordCountOverTheLimit() {
        byte[] zip = new ZipBuilder().zip64().add("a/b", HELLO).build();
        int record = zip.length - 22 - 20 - 56;
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putLong(record + 32, 1L << 40);

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP archive declares 1099511627776 records, over the limit of 2000000.");
    }

    @Test
    void rejectsAZip64LocatorPointingOutsideTheFile() {
        byte[] zip = new ZipBuilder().zip64().add("a/b", HELLO).build();
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putLong(zip.length - 22 - 20 + 8, -5L);

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP64 end-of-central-directory record offset '-5' is outside the file.");
    }

    @Test
    void rejectsARecordWhoseLocalHeaderIsPastTheEnd() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).build();
        int central = zip.length - 22 - 49;
        patchInt(zip, central + 42, 9_999);

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP record 'a/b' has its local header at byte 9999, past the end of the file.");
    }

    @Test
    void rejectsARecordWhoseDataRunsPastTheEnd() throws IOException {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).build();
        int central = zip.length - 22 - 49;
        patchInt(zip, central + 20, 5_000); // compressed size

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);
            assertThatThrownBy(() -> directory.dataOffset(channel, directory.entries().get(0)))
                    .hasMessage("ZIP record 'a/b' (5000 bytes from byte 33) runs past the end of the file.");
        }
    }

    @Test
    void rejectsDuplicateNames() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).add("a/b", WORLD).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP archive lists the record 'a/b' twice.");
    }

    @Test
    void rejectsACorruptCentralRecord() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).build();
        zip[zip.length - 22 - 49] = 'X';

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP central directory record 0 has a bad signature.");
    }

    private ZipDirectory read(byte[] zip) throws IOException {
        try (SeekableByteChannel channel = channel(zip)) {
            return ZipDirectory.read(channel);
        }
    }

    private SeekableByteChannel channel(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "zip", ".zip");
        Files.write(file, bytes);
        return Files.newByteChannel(file);
    }

    private static byte[] readAll(ZipDirectory directory, SeekableByteChannel channel, String name) throws IOException {
        try (InputStream in = directory.open(channel, directory.find(name).orElseThrow())) {
            return in.readAllBytes();
        }
    }

    private static void patchInt(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    private static void patchShort(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
    }
}
