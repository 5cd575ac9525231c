package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    /** What follows PROTO in protocols 2 to 5: LONG1 of the 10 magic bytes, then STOP. */
    private static final byte[] MAGIC_LONG1 = Arrays.copyOfRange(MAGIC_PICKLE, 2, MAGIC_PICKLE.length);
    /** Protocols 4 and 5 put the 13 bytes after PROTO in one FRAME: opcode 0x95, its u64 LE length. */
    private static final byte[] MAGIC_FRAME = {(byte) 0x95, (byte) MAGIC_LONG1.length, 0, 0, 0, 0, 0, 0, 0};
    private static final int PROTO = 0x80;
    private static final int FIRST_FRAMED_PROTOCOL = 4;
    private static final int LAST_PROTOCOL = 5;
    /** Leading bytes that tell a legacy stream (the text form is the longest). */
    static final int MAGIC_BYTES = MAGIC_PICKLE_TEXT.length;
    private static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;
    private static final int PICKLE_BUFFER_BYTES = 1 << 12;
    private static final Allowlist PLAIN = Allowlist.python().build();

    private final Map<String, TorchStorage> storages = new LinkedHashMap<>();

    private TorchLegacy() {
    }

    /**
     * Whether a file starts with the magic number pickle of a legacy stream, in any protocol torch.save can pass
     * to pickle (0 to 5): as Python pickles 0x1950a86a20f9469cfc6c, a text LONG in protocols 0 and 1, a LONG1
     * after PROTO 2 or 3, and the same in a FRAME after PROTO 4 or 5.
     */
    static boolean startsWithMagic(byte[] head) {
        if (startsWith(head, 0, MAGIC_PICKLE_TEXT)) {
            return true;
        }
        if (head.length < 2 || (head[0] & 0xff) != PROTO || head[1] < 2 || head[1] > LAST_PROTOCOL) {
            return false;
        }
        int at = 2;
        if (head[1] >= FIRST_FRAMED_PROTOCOL && startsWith(head, at, MAGIC_FRAME)) {
            at += MAGIC_FRAME.length;
        }
        return startsWith(head, at, MAGIC_LONG1);
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        return bytes.length - at >= prefix.length
                && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
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
        Unpickler keyList = new Unpickler(in, PLAIN, null,
                Limits.current().get(Limit.PICKLE_VALUES) - unpickler.spent(),
                Limits.current().getInt(Limit.PICKLE_DEPTH));
        Object keys = keyList.load();
        scan.add(keyList);
        String unchecked = legacy.checkStorages(channel, keys, in.position(), size);
        List<String> warnings = TorchZip.withLeftOut(unpickler.warnings(scan::isAllowed), scan);
        if (unchecked != null) {
            warnings = new ArrayList<>(warnings);
            warnings.add(unchecked);
        }
        String untyped = legacy.untypedWarning();
        if (untyped != null) {
            warnings = new ArrayList<>(warnings);
            warnings.add(untyped);
        }
        return new Unpickled(root, warnings, unpickler.spent(), scan.build());
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
        return storages.computeIfAbsent(key, k -> TorchGlobals.storageOf(id.get(1), k, numel, location, -1));
    }

    /**
     * A warning when a storage is a {@code torch.UntypedStorage}: what torch 2.x's legacy save writes for a dtype
     * with no typed storage class ({@code torch.storage._new_dtypes()}: float8, uint16/32/64, complex32, bits ...).
     * torch's legacy loader ({@code _legacy_load}'s {@code persistent_load}, still so in December 2025, when
     * pytorch PR 169919 proposed a fix)
     * reads {@code storage_type.dtype}, which {@code UntypedStorage} does not have, so torch.load fails on such a
     * file with an AttributeError; the pickle still says what every tensor is, and that is listed.
     */
    private String untypedWarning() {
        List<String> keys = storages.values().stream().filter(s -> s.dtype() == null && s.known())
                .map(TorchStorage::key).toList();
        if (keys.isEmpty()) {
            return null;
        }
        return "legacy storage" + (keys.size() == 1 ? " " : "s ") + Quote.of(keys.get(0))
                + (keys.size() == 1 ? " is" : " and " + (keys.size() - 1) + " more are") + " torch.UntypedStorage "
                + "(a newer dtype such as float8 or uint16): torch.load's legacy loader asks the storage class for "
                + "a dtype and fails on it (AttributeError, still so in torch's source of December 2025); the tensors "
                + "are listed as the pickle describes them.";
    }

    /**
     * Walks the storage section: for each listed key, an i64 element count that must match the pickle's numel,
     * then the bytes, which must end inside the file. Every storage the pickle references must be listed.
     * Returns a warning when a storage of unknown element size stopped the walk, else null.
     */
    private String checkStorages(SeekableByteChannel channel, Object keys, long start, long size) throws IOException {
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
            if (!storage.known()) {
                // Its element size is unknown, so where the next storage starts is too: the rest goes unchecked.
                return "legacy storage " + Quote.of(key) + " is of type " + Quote.of(storage.unknownType())
                        + ", whose element size is unknown: it and the storages after it were not checked against "
                        + "the file's size.";
            }
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
        return null;
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
