package dev.modelsummary.format.numpy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.StateDictRoles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads NumPy {@code .npy} files (one array) and {@code .npz} archives (a ZIP of {@code <name>.npy} members,
 * stored by {@code np.savez} or deflated by {@code np.savez_compressed}). Only headers are read: a {@code .npy}
 * file's first {@code 10 + HEADER_LEN} (or 12 + ...) bytes; of an archive, the ZIP central directory, each
 * member's local header and the first bytes of each member, inflated just as far as the array header when the
 * member is deflated.
 *
 * <p>A {@code .npy} file's array is named after the file; an archive's arrays after their members, without
 * {@code .npy}, in central-directory order (the order np.savez wrote them). Members not named {@code *.npy}
 * are skipped with a warning (np.load returns such members as raw bytes).
 */
public final class NumpyReader implements WeightReader {
    public static final String FORMAT = "numpy";
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final String MEMBER_SUFFIX = ".npy";
    /** Compressed bytes read at a time when inflating the start of a member. */
    private static final int INFLATE_CHUNK = 512;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".npy", ".npz");
    }

    /** {@code \x93NUMPY}, or a ZIP archive whose first local header names a {@code *.npy} member. */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        return NpyHeader.startsWithMagic(head) || firstZipRecordIsNpy(head);
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        List<TensorEntry> tensors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ObjectArrays objects = new ObjectArrays();
        try (SeekableByteChannel channel = opener.open(path)) {
            byte[] head = Channels.readUpTo(channel, 0, NpyHeader.MAGIC.length);
            if (NpyHeader.startsWithMagic(head)) {
                channel.position(0);
                NpyHeader header = NpyHeader.read(bounded(channel, channel.size(), "File"), channel.size());
                String name = FileNames.stem(path);
                if (header.objects()) {
                    objects.scan(name, path.getFileName().toString(),
                            new RegionInputStream(channel, header.headerBytes(), header.dataBytes()),
                            header.dataBytes());
                } else {
                    addEntries(name, header, tensors, warnings);
                }
            } else {
                readArchive(channel, tensors, warnings, objects);
            }
        }
        warnings.addAll(objects.warnings());
        Model model = new Model(FileNames.stem(path), FORMAT, path.toString(), tensors, warnings);
        return objects.isEmpty() ? model : model.withDetails(objects.details());
    }

    private static void readArchive(SeekableByteChannel channel, List<TensorEntry> tensors, List<String> warnings,
                                    ObjectArrays objects) throws IOException {
        ZipDirectory zip = ZipDirectory.read(channel);
        int skipped = 0;
        for (ZipDirectory.Entry member : zip.entries()) {
            if (!member.name().endsWith(MEMBER_SUFFIX)) {
                warnings.add("ZIP member " + Quote.of(member.name()) + " is not a .npy array; skipped.");
                skipped++;
                continue;
            }
            if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Archive holds more than '" + Limits.current().getInt(Limit.TENSORS)
                        + "' arrays, the limit (" + Limit.TENSORS.raise() + ").");
            }
            String name = member.name().substring(0, member.name().length() - MEMBER_SUFFIX.length());
            try {
                NpyHeader header = readMember(channel, zip, member);
                if (header.objects()) {
                    objects.scan(name, member.name(), memberData(channel, zip, member, header), header.dataBytes());
                } else {
                    addEntries(name, header, tensors, warnings);
                }
            } catch (FormatException e) {
                throw new FormatException("Member " + Quote.of(member.name()) + ": " + e.getMessage(), e);
            }
        }
        if (tensors.isEmpty() && objects.isEmpty() && skipped > 0) {
            throw new FormatException("ZIP archive holds no .npy members, so it is not a NumPy .npz archive.");
        }
    }

    /** The member's .npy header: read in place when stored, inflated from its first bytes when deflated. */
    private static NpyHeader readMember(SeekableByteChannel channel, ZipDirectory zip, ZipDirectory.Entry member)
            throws IOException {
        long start = zip.dataOffset(channel, member);
        if (member.method() == ZipDirectory.STORED) {
            channel.position(start);
            return NpyHeader.read(bounded(channel, member.size(), "Member"), member.size());
        }
        Inflater inflater = new Inflater(true);
        try {
            InflatingSource source = new InflatingSource(channel, start, member.compressedSize(), inflater,
                    "the .npy header");
            return NpyHeader.read(source::next, member.size());
        } finally {
            inflater.end();
        }
    }

    /** A member's bytes after its .npy header (an object array's pickle): in place when stored, else inflated. */
    private static InputStream memberData(SeekableByteChannel channel, ZipDirectory zip, ZipDirectory.Entry member,
                                          NpyHeader header) throws IOException {
        long start = zip.dataOffset(channel, member);
        if (member.method() == ZipDirectory.STORED) {
            return new RegionInputStream(channel, start + header.headerBytes(), header.dataBytes());
        }
        Inflater inflater = new Inflater(true);
        InflatingSource source = new InflatingSource(channel, start, member.compressedSize(), inflater,
                "the object array's pickle");
        source.next((int) header.headerBytes()); // the header again, at most numpy's limit
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return source.next(1)[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                byte[] chunk = source.next(len); // the unpickler never asks past the member's declared size
                System.arraycopy(chunk, 0, b, off, len);
                return len;
            }

            @Override
            public void close() {
                inflater.end();
            }
        };
    }

    /** Reads from the channel's position on, never past {@code size} bytes from there. */
    private static NpyHeader.Source bounded(SeekableByteChannel channel, long size, String what) {
        long[] remaining = {size};
        return n -> {
            if (n > remaining[0]) {
                throw new FormatException(what + " ends inside the .npy header.");
            }
            remaining[0] -= n;
            return Channels.readExactly(channel, n, read -> what + " ends inside the .npy header.").array();
        };
    }

    /**
     * Inflates a deflated member just far enough to give each requested byte: compressed input is read
     * {@link #INFLATE_CHUNK} bytes at a time, never past the member's compressed bytes.
     */
    private static final class InflatingSource {
        private final SeekableByteChannel channel;
        private final Inflater inflater;
        private final String reading;
        private long position;
        private long remaining;

        /** @param reading what the inflated bytes are, for the message when they end too soon */
        InflatingSource(SeekableByteChannel channel, long start, long compressedSize, Inflater inflater,
                        String reading) {
            this.channel = channel;
            this.inflater = inflater;
            this.reading = reading;
            this.position = start;
            this.remaining = compressedSize;
        }

        byte[] next(int n) throws IOException {
            byte[] out = new byte[n];
            int filled = 0;
            while (filled < n) {
                int got;
                try {
                    got = inflater.inflate(out, filled, n - filled);
                } catch (DataFormatException e) {
                    throw new FormatException("Deflated data is corrupt.");
                }
                filled += got;
                if (filled == n) {
                    break;
                }
                if (inflater.finished() || inflater.needsDictionary()) {
                    throw new FormatException("Deflated data ends inside " + reading + ".");
                }
                if (got == 0 && inflater.needsInput()) {
                    if (remaining == 0) {
                        throw new FormatException("Deflated data ends inside " + reading + ".");
                    }
                    int chunk = (int) Math.min(INFLATE_CHUNK, remaining);
                    channel.position(position);
                    ByteBuffer input = Channels.readExactly(channel, chunk,
                            read -> "Archive ends inside a deflated member.");
                    position += chunk;
                    remaining -= chunk;
                    inflater.setInput(input.array(), 0, chunk);
                }
            }
            return out;
        }
    }

    /**
     * The array's entries: one for a plain dtype; for a structured dtype, one per field, named
     * {@code <array>.<field>}, its shape the array's with the field's sub-array shape appended, and a warning.
     */
    private static void addEntries(String name, NpyHeader header, List<TensorEntry> tensors, List<String> warnings) {
        if (header.fields().isEmpty()) {
            tensors.add(entry(name, header.shape(), header.type().dtype()));
            return;
        }
        long fieldBytes = 0;
        for (NpyHeader.Field f : header.fields()) {
            if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Arrays and fields number more than '"
                        + Limits.current().getInt(Limit.TENSORS) + "' (" + Limit.TENSORS.raise() + ").");
            }
            long[] dims = Arrays.copyOf(header.shape().dims(), header.shape().rank() + f.subShape().length);
            System.arraycopy(f.subShape(), 0, dims, header.shape().rank(), f.subShape().length);
            tensors.add(entry(name + "." + f.name(), Shape.of(dims), f.type().dtype()));
            fieldBytes += (long) f.type().bytes() * Shape.of(f.subShape()).numel(); // within itemBytes: fits
        }
        int n = header.fields().size();
        long padding = header.itemBytes() - fieldBytes;
        warnings.add("Array " + Quote.of(name) + " has a structured dtype (" + n + " field" + (n == 1 ? "" : "s")
                + ", " + header.itemBytes() + " bytes an item" + (padding > 0 ? ", " + padding + " of them padding" : "")
                + "): each field is listed as a tensor of its own, " + Quote.of(name + ".<field>")
                + ", with the field's sub-array shape after the array's.");
    }

    /** As a safetensors file, an archive says nothing of roles: names and dtypes decide. */
    private static TensorEntry entry(String name, Shape shape, DType dtype) {
        return StateDictRoles.classify(name, dtype) == Role.PARAMETER
                ? TensorEntry.parameter(name, shape, dtype, true)
                : TensorEntry.buffer(name, shape, dtype);
    }

    private static boolean firstZipRecordIsNpy(byte[] head) {
        // local file header: ... u16 name length (+26), u16 extra length (+28), name (+30)
        if (head.length < 30 || !Arrays.equals(head, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
            return false;
        }
        int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
        if (nameLength <= MEMBER_SUFFIX.length() || head.length < 30 + nameLength) {
            return false;
        }
        return new String(head, 30, nameLength, StandardCharsets.UTF_8).endsWith(MEMBER_SUFFIX);
    }
}
