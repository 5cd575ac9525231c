package dev.modelsummary.format.zip;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.io.RegionInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The central directory of a ZIP archive (PKWARE APPNOTE), read from the end of the file without reading any
 * record's data. Hand-written because {@code java.util.zip.ZipInputStream} fails on torch.save files (STORED
 * records with a data descriptor) and {@code ZipFile} hides where a record's bytes start.
 *
 * <p>Reads touch only the end-of-central-directory record (the last 22 bytes when there is no comment), the
 * ZIP64 locator and record when present, and the central directory itself. A record's local header and data
 * are read only when a caller asks for that record ({@link #dataOffset}, {@link #open}).
 *
 * <p>The central directory is input like any other, and a record's size is what a reader reports as a
 * storage's size. So every record is checked when the directory is read, from the directory alone, as torch's
 * reader (miniz) checks them and more: its local header and data ({@code 30 + compressed size} bytes at
 * least) lie inside the file and overlap no other record's, a stored record's size is its stored bytes, a
 * deflated one claims no more than deflate can expand to, and it is neither encrypted nor patched. The local
 * header's own lengths are checked when the record is opened.
 */
public final class ZipDirectory {
    private static final int LOCAL_HEADER_SIGNATURE = 0x04034b50;   // "PK\3\4"
    private static final int CENTRAL_HEADER_SIGNATURE = 0x02014b50; // "PK\1\2"
    private static final int EOCD_SIGNATURE = 0x06054b50;           // "PK\5\6"
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;  // "PK\6\7"
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;     // "PK\6\6"
    private static final int LOCAL_HEADER_BYTES = 30;
    private static final int CENTRAL_HEADER_BYTES = 46;
    private static final int EOCD_BYTES = 22;
    private static final int ZIP64_LOCATOR_BYTES = 20;
    private static final int ZIP64_EOCD_BYTES = 56;
    private static final int MAX_COMMENT_BYTES = 65535;
    private static final long U32_MASK = 0xFFFF_FFFFL;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final int FLAG_UTF8_NAMES = 1 << 11;
    private static final int FLAGS_ENCRYPTED = 0x1 | 0x40; // traditional and strong encryption
    private static final int FLAG_PATCHED = 0x20;
    /** Deflate's most: a 258-byte match coded in 2 bits, so 258 * 8 / 2 bytes out per byte in. */
    private static final int MAX_DEFLATE_RATIO = 1032;

    /** STORED and DEFLATED, the two methods {@link #open} can read. */
    public static final int STORED = 0;
    public static final int DEFLATED = 8;

    /**
     * One central-directory record.
     *
     * @param name              the record's name as stored (torch: {@code archive/data/0})
     * @param flags             general-purpose bit flags
     * @param method            compression method (0 stored, 8 deflated)
     * @param compressedSize    bytes the record occupies in the file after its local header
     * @param size              uncompressed size
     * @param localHeaderOffset where the record's local header starts
     */
    public record Entry(String name, int flags, int method, long compressedSize, long size, long localHeaderOffset) {
    }

    /** Where the central directory is, from the EOCD (or ZIP64 EOCD) record. */
    private record Directory(long entries, long size, long offset, long end) {
    }

    private final long archiveSize;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;

    private ZipDirectory(long archiveSize, List<Entry> entries, Map<String, Entry> byName) {
        this.archiveSize = archiveSize;
        this.entries = List.copyOf(entries);
        this.byName = byName;
    }

    /**
     * Reads the central directory of the archive in {@code channel}.
     *
     * @throws FormatException when there is no valid end-of-central-directory record, or the directory it
     *                         points to is outside the file, over a limit, or corrupt
     */
    public static ZipDirectory read(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        long eocdAt = findEocd(channel, size);
        Directory directory = locateDirectory(channel, eocdAt);
        List<Entry> entries = readEntries(channel, directory, size);
        Map<String, Entry> byName = new HashMap<>();
        for (Entry e : entries) {
            if (byName.putIfAbsent(e.name(), e) != null) {
                throw new FormatException("ZIP archive lists the record " + Quote.of(e.name()) + " twice.");
            }
        }
        checkOverlaps(entries);
        return new ZipDirectory(size, entries, byName);
    }

    /** Records in central-directory order. */
    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Absolute offset of the record's first data byte: {@code localHeaderOffset + 30 + name length + extra
     * length}, both lengths read from the LOCAL header (they may differ from the central directory's).
     */
    public long dataOffset(SeekableByteChannel channel, Entry entry) throws IOException {
        // local file header: u32 signature, u16 version, u16 flags, u16 method, u16 time, u16 date, u32 crc,
        // u32 compressed size, u32 uncompressed size, u16 name length (+26), u16 extra length (+28)
        if (entry.localHeaderOffset() > archiveSize - LOCAL_HEADER_BYTES) {
            throw new FormatException(subject(entry) + " has its local header at byte " + entry.localHeaderOffset()
                    + ", past the end of the file.");
        }
        ByteBuffer local = readAt(channel, entry.localHeaderOffset(), LOCAL_HEADER_BYTES);
        if (local.getInt(0) != LOCAL_HEADER_SIGNATURE) {
            throw new FormatException(subject(entry) + " has no local header at byte " + entry.localHeaderOffset()
                    + ".");
        }
        long start = entry.localHeaderOffset() + LOCAL_HEADER_BYTES + u16(local, 26) + u16(local, 28);
        if (entry.compressedSize() > archiveSize - start) {
            throw new FormatException(subject(entry) + " (" + entry.compressedSize() + " bytes from byte " + start
                    + ") runs past the end of the file.");
        }
        return start;
    }

    /**
     * No two records share bytes: walked in file order, each record's local header starts after the previous
     * record's {@code 30 + compressed size} bytes, the least it can span.
     */
    private static void checkOverlaps(List<Entry> entries) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::localHeaderOffset));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry previous = byOffset.get(i - 1);
            Entry entry = byOffset.get(i);
            // checkDeclared bounded both terms by the file's size: no overflow
            if (entry.localHeaderOffset() < previous.localHeaderOffset() + LOCAL_HEADER_BYTES
                    + previous.compressedSize()) {
                throw new FormatException("ZIP records " + Quote.of(previous.name()) + " and "
                        + Quote.of(entry.name()) + " overlap.");
            }
        }
    }

    /**
     * The record's uncompressed bytes as a stream that never reads outside the record. The caller closes it
     * (the channel stays open).
     */
    public InputStream open(SeekableByteChannel channel, Entry entry) throws IOException {
        long start = dataOffset(channel, entry);
        InputStream raw = new BufferedInputStream(new RegionInputStream(channel, start, entry.compressedSize()),
                1 << 16);
        if (entry.method() == STORED) {
            return raw;
        }
        // DEFLATED: read() lets no other method through.
        Inflater inflater = new Inflater(true);
        return new InflaterInputStream(raw, inflater, 1 << 16) {
            private long inflated;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (ZipException | EOFException e) {
                    throw new FormatException(subject(entry) + " holds corrupt deflated data.");
                }
                inflated += Math.max(n, 0);
                if (inflated > entry.size()) {
                    throw new FormatException(subject(entry) + " inflates to more than its declared "
                            + entry.size() + " bytes.");
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                super.close();
                inflater.end(); // a caller-supplied Inflater is not ended by InflaterInputStream itself
            }
        };
    }

    /**
     * The EOCD record: the last 22 bytes when the archive has no comment (torch, numpy), else the last
     * signature in the final 22 + 65535 bytes whose comment fits in the file.
     */
    private static long findEocd(SeekableByteChannel channel, long size) throws IOException {
        // EOCD: u32 signature, u16 disk, u16 directory disk, u16 entries on disk, u16 entries,
        //       u32 directory size, u32 directory offset, u16 comment length (+20), comment
        if (size >= EOCD_BYTES) {
            ByteBuffer last = readAt(channel, size - EOCD_BYTES, EOCD_BYTES);
            if (last.getInt(0) == EOCD_SIGNATURE && u16(last, 20) == 0) {
                return size - EOCD_BYTES;
            }
            int tailBytes = (int) Math.min(size, EOCD_BYTES + MAX_COMMENT_BYTES);
            long tailStart = size - tailBytes;
            ByteBuffer tail = readAt(channel, tailStart, tailBytes);
            for (int at = tailBytes - EOCD_BYTES; at >= 0; at--) {
                if (tail.getInt(at) == EOCD_SIGNATURE && at + EOCD_BYTES + u16(tail, at + 20) <= tailBytes) {
                    return tailStart + at;
                }
            }
        }
        throw new FormatException("ZIP end-of-central-directory record not found; the file is truncated or "
                + "not a ZIP archive.");
    }

    private static Directory locateDirectory(SeekableByteChannel channel, long eocdAt) throws IOException {
        ByteBuffer eocd = readAt(channel, eocdAt, EOCD_BYTES);
        if (u16(eocd, 4) != 0 || u16(eocd, 6) != 0) {
            throw new FormatException("ZIP archive spans several disks, which is not supported.");
        }
        long entries = u16(eocd, 10);
        long size = u32(eocd, 12);
        long offset = u32(eocd, 16);
        long end = eocdAt;
        if (eocdAt >= ZIP64_LOCATOR_BYTES) {
            // ZIP64 locator, right before the EOCD: u32 signature, u32 disk, u64 ZIP64 EOCD offset (+8), u32 disks
            ByteBuffer locator = readAt(channel, eocdAt - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES);
            if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                long recordAt = locator.getLong(8);
                if (recordAt < 0 || recordAt > eocdAt - ZIP64_LOCATOR_BYTES - ZIP64_EOCD_BYTES) {
                    throw new FormatException("ZIP64 end-of-central-directory record offset '" + recordAt
                            + "' is outside the file.");
                }
                // ZIP64 EOCD: u32 signature, u64 record size, u16 made by, u16 needed, u32 disk, u32 directory
                // disk, u64 entries on disk (+24), u64 entries (+32), u64 directory size (+40), u64 offset (+48)
                ByteBuffer record = readAt(channel, recordAt, ZIP64_EOCD_BYTES);
                if (record.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                    throw new FormatException("ZIP64 end-of-central-directory record not found at byte "
                            + recordAt + ".");
                }
                entries = record.getLong(32);
                size = record.getLong(40);
                offset = record.getLong(48);
                end = recordAt;
            }
        }
        return new Directory(entries, size, offset, end);
    }

    private static List<Entry> readEntries(SeekableByteChannel channel, Directory d, long fileSize)
            throws IOException {
        if (d.offset() < 0 || d.size() < 0 || d.offset() > d.end() || d.size() > d.end() - d.offset()) {
            throw new FormatException("ZIP central directory (" + Long.toUnsignedString(d.size()) + " bytes at byte "
                    + Long.toUnsignedString(d.offset()) + ") lies outside the file.");
        }
        if (d.entries() < 0 || d.entries() > Limits.current().getInt(Limit.ZIP_ENTRIES)) {
            throw new FormatException("ZIP archive declares " + Long.toUnsignedString(d.entries())
                    + " records, over the limit of " + Limits.current().getInt(Limit.ZIP_ENTRIES)
                    + " (" + Limit.ZIP_ENTRIES.raise() + ").");
        }
        if (d.size() > Limits.current().get(Limit.ZIP_CENTRAL_DIRECTORY_BYTES)) {
            throw new FormatException("ZIP central directory is " + d.size() + " bytes, over the limit of "
                    + Limits.current().get(Limit.ZIP_CENTRAL_DIRECTORY_BYTES)
                    + " (" + Limit.ZIP_CENTRAL_DIRECTORY_BYTES.raise() + ").");
        }
        if (d.entries() * CENTRAL_HEADER_BYTES > d.size()) {
            throw new FormatException("ZIP archive declares " + d.entries() + " records, more than its "
                    + d.size() + "-byte central directory can hold.");
        }
        List<Entry> entries = new ArrayList<>((int) d.entries());
        try (InputStream in = new BufferedInputStream(new RegionInputStream(channel, d.offset(), d.size()), 1 << 16)) {
            for (long i = 0; i < d.entries(); i++) {
                entries.add(readEntry(in, i, fileSize));
            }
        } catch (EOFException e) {
            throw new FormatException("ZIP central directory ends before its " + d.entries() + " records.");
        }
        return entries;
    }

    private static Entry readEntry(InputStream in, long index, long fileSize) throws IOException {
        // central directory header: u32 signature, u16 made by, u16 needed, u16 flags (+8), u16 method (+10),
        // u16 time, u16 date, u32 crc, u32 compressed size (+20), u32 size (+24), u16 name length (+28),
        // u16 extra length (+30), u16 comment length (+32), u16 disk, u16 internal attributes,
        // u32 external attributes, u32 local header offset (+42); then name, extra, comment
        ByteBuffer h = ByteBuffer.wrap(readFully(in, CENTRAL_HEADER_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != CENTRAL_HEADER_SIGNATURE) {
            throw new FormatException("ZIP central directory record " + index + " has a bad signature.");
        }
        int flags = u16(h, 8);
        byte[] nameBytes = readFully(in, u16(h, 28));
        byte[] extra = readFully(in, u16(h, 30));
        readFully(in, u16(h, 32));
        String name = new String(nameBytes, nameCharset(flags));
        long compressed = u32(h, 20);
        long size = u32(h, 24);
        long offset = u32(h, 42);
        if (compressed == U32_MASK || size == U32_MASK || offset == U32_MASK) {
            long[] values = zip64Values(name, extra, size == U32_MASK, compressed == U32_MASK, offset == U32_MASK);
            size = size == U32_MASK ? values[0] : size;
            compressed = compressed == U32_MASK ? values[1] : compressed;
            offset = offset == U32_MASK ? values[2] : offset;
        }
        Entry entry = new Entry(name, flags, u16(h, 10), compressed, size, offset);
        checkDeclared(entry, fileSize);
        return entry;
    }

    /**
     * What can be checked of a record without reading more of the file: what torch's reader refuses (encrypted
     * or patched records, methods other than stored and deflated), and sizes that no data in the file could
     * back.
     */
    private static void checkDeclared(Entry e, long fileSize) {
        if ((e.flags() & FLAGS_ENCRYPTED) != 0) {
            throw new FormatException(subject(e) + " is encrypted, which torch.load refuses too.");
        }
        if ((e.flags() & FLAG_PATCHED) != 0) {
            throw new FormatException(subject(e) + " holds patched data, which torch.load refuses too.");
        }
        if (e.method() != STORED && e.method() != DEFLATED) {
            throw new FormatException(subject(e) + " uses compression method '" + e.method()
                    + "'; only stored (0) and deflated (8) records can be read.");
        }
        if (e.size() < 0 || e.compressedSize() < 0) {
            throw new FormatException(subject(e) + " declares the size "
                    + Long.toUnsignedString(e.size() < 0 ? e.size() : e.compressedSize()) + ", over 2^63 - 1 bytes.");
        }
        if (e.localHeaderOffset() < 0 || e.localHeaderOffset() >= fileSize) {
            throw new FormatException(subject(e) + " has its local header at byte "
                    + Long.toUnsignedString(e.localHeaderOffset()) + ", past the end of the file.");
        }
        if (e.compressedSize() > fileSize - LOCAL_HEADER_BYTES - e.localHeaderOffset()) {
            throw new FormatException(subject(e) + " claims " + e.compressedSize()
                    + " bytes after its local header at byte " + e.localHeaderOffset() + ", past the end of the file.");
        }
        if (e.method() == STORED && e.size() != e.compressedSize()) {
            throw new FormatException(subject(e) + " is stored uncompressed, so its size " + e.size()
                    + " must equal its " + e.compressedSize() + " stored bytes.");
        }
        if (e.method() == DEFLATED && e.compressedSize() <= Long.MAX_VALUE / MAX_DEFLATE_RATIO
                && e.size() > e.compressedSize() * MAX_DEFLATE_RATIO) {
            throw new FormatException(subject(e) + " claims " + e.size() + " bytes inflated from "
                    + e.compressedSize() + " deflated bytes; deflate expands at most " + MAX_DEFLATE_RATIO
                    + " to 1.");
        }
    }

    /** How messages name a record. */
    private static String subject(Entry entry) {
        return "ZIP record " + Quote.of(entry.name());
    }

    /**
     * The ZIP64 extended-information extra field (id 0x0001) holds, in this order, only the fields whose
     * central-directory value is 0xFFFFFFFF: u64 uncompressed size, u64 compressed size, u64 local header offset.
     */
    private static long[] zip64Values(String name, byte[] extra, boolean size, boolean compressed, boolean offset) {
        ByteBuffer b = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) {
            int id = u16(b, b.position());
            int length = u16(b, b.position() + 2);
            b.position(b.position() + 4);
            if (length > b.remaining()) {
                break;
            }
            if (id == ZIP64_EXTRA_ID) {
                int needed = 8 * ((size ? 1 : 0) + (compressed ? 1 : 0) + (offset ? 1 : 0));
                if (length < needed) {
                    break;
                }
                long[] values = new long[3];
                values[0] = size ? b.getLong() : 0;
                values[1] = compressed ? b.getLong() : 0;
                values[2] = offset ? b.getLong() : 0;
                return values;
            }
            b.position(b.position() + length);
        }
        throw new FormatException("ZIP record " + Quote.of(name) + " needs a ZIP64 extra field, but has none that fits.");
    }

    /** APPNOTE: names are UTF-8 when flag bit 11 is set, else code page 437 (torch writes plain ASCII). */
    private static Charset nameCharset(int flags) {
        if ((flags & FLAG_UTF8_NAMES) != 0 || !Charset.isSupported("IBM437")) {
            return StandardCharsets.UTF_8;
        }
        return Charset.forName("IBM437");
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException();
        }
        return bytes;
    }

    private static ByteBuffer readAt(SeekableByteChannel channel, long position, int n) throws IOException {
        channel.position(position);
        return Channels.readExactly(channel, n,
                read -> "ZIP archive ends at byte " + (position + read) + ", inside a record it declares.")
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & U32_MASK;
    }
}
