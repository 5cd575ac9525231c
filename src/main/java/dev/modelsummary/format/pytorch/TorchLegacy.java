package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.model.DType;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The legacy stream form of torch.save ({@code _use_new_zipfile_serialization=False}, formats.md 2.6):
 * <pre>
 *   pickle: magic number 0x1950a86a20f9469cfc6c
 *   pickle: protocol version 1001
 *   pickle: sys_info dict (byte order, type sizes)
 *   pickle: the object; persistent ids ('storage', type, key, location, numel, view_metadata)
 *   pickle: list of storage keys, in the order their bytes follow
 *   per key: i64 LE element count, then count * element size bytes
 * </pre>
 * The storages' bytes are never read: only each 8-byte count, to check it and to step to the next storage.
 * Reading the pickles is buffered, so up to one buffer past the last pickle may be read ahead.
 */
final class TorchLegacy {
    /** The magic number as torch.save pickles it by default (protocol 2: PROTO, LONG1, STOP). */
    static final byte[] MAGIC_PICKLE = {
            (byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
            (byte) 0xa8, 0x50, 0x19, 0x2e};
    /** The magic number pickled with {@code pickle_protocol=1} (or 0): a text LONG. */
    private static final byte[] MAGIC_PICKLE_TEXT = "L119547037146038801333356L\n.".getBytes(StandardCharsets.US_ASCII);
    /** Leading bytes that tell a legacy stream. */
    static final int MAGIC_BYTES = MAGIC_PICKLE_TEXT.length;
    private static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;
    private static final int PICKLE_BUFFER_BYTES = 1 << 12;
    private static final Allowlist PLAIN = Allowlist.python().build();

    private final Map<String, TorchStorage> storages = new LinkedHashMap<>();

    private TorchLegacy() {
    }

    /** Whether a file starts with the magic number pickle of a legacy stream, in any protocol torch can write. */
    static boolean startsWithMagic(byte[] head) {
        return startsWith(head, MAGIC_PICKLE) || startsWith(head, MAGIC_PICKLE_TEXT);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    static Unpickled read(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        PickleInput in = new PickleInput(new RegionInputStream(channel, 0, size), size, PICKLE_BUFFER_BYTES);
        // Every pickle is scanned; none has a trailer: each is followed by the next, the last by storage bytes.
        PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD);
        if (!MAGIC_NUMBER.equals(plain(in, scan))) {
            throw new FormatException("Legacy torch.save stream has a bad magic number.");
        }
        Object version = plain(in, scan);
        if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) {
            throw new FormatException("Legacy torch.save stream has " + describeVersion(version) + "; only "
                    + PROTOCOL_VERSION + " is supported.");
        }
        plain(in, scan); // sys_info: byte order and C type sizes, which do not change names, shapes or dtypes
        TorchLegacy legacy = new TorchLegacy();
        Unpickler unpickler = new Unpickler(in, TorchGlobals.ALLOWLIST, legacy::storage);
        Object root = unpickler.load();
        scan.add(unpickler);
        // The key list is read while the object is still held: together they stay within one budget.
        Unpickler keyList = new Unpickler(in, PLAIN, null, Limits.current().pickleValues() - unpickler.spent(),
                Limits.current().pickleDepth());
        Object keys = keyList.load();
        scan.add(keyList);
        legacy.checkStorages(channel, keys, in.position(), size);
        return new Unpickled(root, TorchZip.withLeftOut(unpickler.warnings(scan::isAllowed), scan), unpickler.spent(),
                scan.build());
    }

    private static Object plain(PickleInput in, PickleScanBuilder scan) throws IOException {
        Unpickler unpickler = new Unpickler(in, PLAIN, null);
        Object value = unpickler.load();
        scan.add(unpickler);
        return value;
    }

    /** An int is shown; anything else only by its type, which takes constant work to spell. */
    private static String describeVersion(Object version) {
        if (version instanceof Long || version instanceof BigInteger) {
            return "protocol version " + Quote.of(version);
        }
        return "a " + Quote.of(PyTypes.of(version)) + " as its protocol version";
    }

    /**
     * BINPERSID: {@code ('storage', <storage class>, key, location, numel, view_metadata)}, or
     * {@code ('module', <class>, source file, source)} for a pickled module's class (its source is ignored).
     */
    private Object storage(Object pid) {
        if (pid instanceof PyTuple id && id.size() == 4 && "module".equals(id.get(0))) {
            return id.get(1);
        }
        if (!(pid instanceof PyTuple id) || id.size() != 6 || !"storage".equals(id.get(0))
                || !(id.get(2) instanceof String key) || !(id.get(3) instanceof String location)
                || !(id.get(4) instanceof Long numel) || numel < 0) {
            throw new FormatException("Pickle has a persistent id that is not a ('storage', type, key, location, "
                    + "numel, view) tuple.");
        }
        if (id.get(5) != null) {
            throw new FormatException("Legacy storage views (PyTorch 0.x files) are not supported.");
        }
        return storages.computeIfAbsent(key, k -> {
            DType dtype = TorchGlobals.storageDTypeOf(id.get(1)).orElse(null);
            return new TorchStorage(k, dtype, numel, location);
        });
    }

    /**
     * Walks the storage section: for each listed key, an i64 element count that must match the pickle's numel,
     * then the bytes, which must end inside the file. Every storage the pickle references must be listed.
     */
    private void checkStorages(SeekableByteChannel channel, Object keys, long start, long size) throws IOException {
        if (!(keys instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new FormatException("Legacy torch.save stream has no list of storage keys after its pickle.");
        }
        Set<String> unlisted = new LinkedHashSet<>(storages.keySet());
        long at = start;
        for (Object item : list) {
            String key = (String) item;
            TorchStorage storage = storages.get(key);
            if (storage == null) {
                throw new FormatException("Legacy torch.save stream lists storage " + Quote.of(key)
                        + ", which its pickle never references.");
            }
            unlisted.remove(key);
            long count = countAt(channel, at, size, key);
            if (count != storage.numel()) {
                throw new FormatException("Legacy storage " + Quote.of(key) + " holds " + count
                        + " elements but the pickle says " + storage.numel() + ".");
            }
            long nbytes = TorchReader.exact(storage::nbytes,
                    "Storage " + Quote.of(key) + " has a size that overflows 64 bits.");
            if (nbytes > size - at - Long.BYTES) {
                throw new FormatException("Legacy storage " + Quote.of(key) + " (" + nbytes + " bytes from byte "
                        + (at + Long.BYTES) + ") runs past the end of the file.");
            }
            at += Long.BYTES + nbytes;
        }
        if (!unlisted.isEmpty()) {
            throw new FormatException("Legacy torch.save stream never stores storage "
                    + Quote.of(unlisted.iterator().next()) + ", which its pickle references.");
        }
    }

    private static long countAt(SeekableByteChannel channel, long at, long size, String key) throws IOException {
        if (at > size - Long.BYTES) {
            throw new FormatException("Legacy storage " + Quote.of(key) + " starts at byte " + at
                    + ", past the end of the file.");
        }
        channel.position(at);
        return Channels.readExactly(channel, Long.BYTES,
                read -> "Legacy storage " + Quote.of(key) + " starts at byte " + at + ", past the end of the file.")
                .order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }
}
