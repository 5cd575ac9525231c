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
                .hasMessage("ZIP archive declares 1099511627776 records, over the limit of 2000000 (raise with --limit zip-entries=N).");
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
    void rejectsARecordWhoseDataRunsPastTheEnd() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).claims(5_000, 5_000).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP record 'a/b' claims 5000 bytes after its local header "
                + "at byte 0, past the end of the file.");
    }

    @Test
    void aStoredRecordClaimingATebibyteIsRefusedWhenTheDirectoryIsRead() {
        byte[] zip = new ZipBuilder().zip64().add("a/data.pkl", HELLO).add("a/data/0", WORLD)
                .claims(1L << 40, 1L << 40).build();

        // second local header at 30 + 10 (name) + 20 (ZIP64 extra) + 5 = 65
        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP record 'a/data/0' claims 1099511627776 bytes after its "
                + "local header at byte 65, past the end of the file.");
    }

    @Test
    void aStoredRecordsSizeIsItsStoredBytes() {
        byte[] zip = new ZipBuilder().add("a/data/0", HELLO).claims(5, 4_000_000_000L).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP record 'a/data/0' is stored uncompressed, so its size "
                + "4000000000 must equal its 5 stored bytes.");
    }

    @Test
    void aDeflatedRecordCannotClaimMoreThanDeflateCanExpand() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).method(ZipDirectory.DEFLATED).claims(5, 5 * 1032 + 1).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP record 'a/b' claims 5161 bytes inflated from 5 "
                + "deflated bytes; deflate expands at most 1032 to 1.");
    }

    @Test
    void aSizePast63BitsIsRefused() {
        byte[] zip = new ZipBuilder().zip64().add("a/b", HELLO).claims(-1, -1).build();

        assertThatThrownBy(() -> read(zip))
                .hasMessage("ZIP record 'a/b' declares the size 18446744073709551615, over 2^63 - 1 bytes.");
    }

    @Test
    void anUnreadableMethodIsRefusedWhenTheDirectoryIsRead() {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).method(12).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP record 'a/b' uses compression method '12'; only stored "
                + "(0) and deflated (8) records can be read.");
    }

    @Test
    void encryptedAndPatchedRecordsAreRefusedAsTorchLoadRefusesThem() {
        assertThatThrownBy(() -> read(new ZipBuilder().add("a/b", HELLO).flags(0x1).build()))
                .hasMessage("ZIP record 'a/b' is encrypted, which torch.load refuses too.");
        assertThatThrownBy(() -> read(new ZipBuilder().add("a/b", HELLO).flags(0x40).build()))
                .hasMessage("ZIP record 'a/b' is encrypted, which torch.load refuses too.");
        assertThatThrownBy(() -> read(new ZipBuilder().add("a/b", HELLO).flags(0x20).build()))
                .hasMessage("ZIP record 'a/b' holds patched data, which torch.load refuses too.");
    }

    @Test
    void recordsMustNotOverlap() {
        byte[] shared = new ZipBuilder().add("a/b", HELLO).add("a/c", HELLO).claimsOffset(0).build();
        byte[] runsOn = new ZipBuilder().add("a/b", HELLO).claims(10, 10).add("a/c", HELLO).build();

        assertThatThrownBy(() -> read(shared)).hasMessage("ZIP records 'a/b' and 'a/c' overlap.");
        assertThatThrownBy(() -> read(runsOn)).hasMessage("ZIP records 'a/b' and 'a/c' overlap.");
    }

    @Test
    void aLocalHeaderIsCheckedWhenItsRecordIsOpened() throws IOException {
        byte[] zip = new ZipBuilder().add("a/b", HELLO).add("a/c", WORLD).claimsOffset(37).build();
        patchShort(zip, 28, 60_000); // the first local header's own extra length

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);
            assertThatThrownBy(() -> readAll(directory, channel, "a/b"))
                    .hasMessage("ZIP record 'a/b' (5 bytes from byte 60033) runs past the end of the file.");
            assertThatThrownBy(() -> readAll(directory, channel, "a/c"))
                    .hasMessage("ZIP record 'a/c' has no local header at byte 37.");
        }
    }

    @Test
    void inflatingPastTheDeclaredSizeIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("d/text"));
            out.write("abc".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        byte[] zip = bytes.toByteArray();
        int central = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16);
        patchInt(zip, central + 24, 10); // uncompressed size

        try (SeekableByteChannel channel = channel(zip)) {
            ZipDirectory directory = ZipDirectory.read(channel);
            assertThatThrownBy(() -> readAll(directory, channel, "d/text"))
                    .isInstanceOf(FormatException.class)
                    .hasMessage("ZIP record 'd/text' inflates to more than its declared 10 bytes.");
        }
    }

    @Test
    void namesInMessagesAreEscaped() {
        byte[] zip = new ZipBuilder().add("a\n\u001b[2J", HELLO).add("a\n\u001b[2J", WORLD).build();

        assertThatThrownBy(() -> read(zip)).hasMessage("ZIP archive lists the record 'a\\u000a\\u001b[2J' twice.");
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
