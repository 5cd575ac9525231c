package dev.modelsummary.format.keras;

import dev.modelsummary.format.io.ChannelWindow;
import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.exceptions.HdfException;
import io.jhdf.nio.FileChannelFromSeekableByteChannel;
import io.jhdf.storage.HdfBackingStorage;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * What jhdf reads an HDF5 file through, in place of its own {@code HdfFileChannel}, with two bounds jhdf lacks:
 *
 * <ul>
 *   <li>No structure is allocated before it is known to lie inside the file: jhdf allocates each structure's
 *       buffer at the size the file declares (an object header claiming 2 GiB was allocated whole, 2.18 GB)
 *       and only then reads. Here a read of {@code length} bytes at {@code address} that runs past the end of
 *       the window fails first, as h5py refuses it ("actual len exceeds EOA").</li>
 *   <li>Tree nodes read again at an address already read count against {@code hdf5-node-rereads}: a B-tree whose
 *       children all point at one node (or a DAG of such nodes) makes jhdf walk the same nodes along every
 *       path, exponentially (40 s and 1.09 GB); a file jhdf reads once re-reads almost nothing.</li>
 * </ul>
 *
 * <p>It reports itself as in-memory, so that jhdf never opens another file (external links) and leaves the
 * window open on close. jhdf 0.13.0 takes a storage only through {@code HdfFile}'s private constructor, called
 * here by reflection (checked by the Keras tests: any jhdf upgrade that changes it fails them).
 */
final class H5Storage implements HdfBackingStorage {
    private static final Set<String> TREE_SIGNATURES = Set.of("TREE", "SNOD", "BTIN", "BTLF", "FHIB", "FHDB");
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final FileChannel channel;
    private final long size;
    private final Superblock superblock;
    private final long rereadLimit;
    private final long rereadByteLimit;
    private final Set<Long> addresses = new HashSet<>();
    private final Set<Long> everyAddress = new HashSet<>();
    private long rereads;
    private long rereadBytes;

    private H5Storage(FileChannel channel, long size, Superblock superblock, long rereadLimit,
                      long rereadByteLimit) {
        this.channel = channel;
        this.size = size;
        this.superblock = superblock;
        this.rereadLimit = rereadLimit;
        this.rereadByteLimit = rereadByteLimit;
    }

    /** The HDF5 file in {@code window}: its superblock at 0, 512, 1024, 2048 ... (after a user block). */
    static HdfFile open(ChannelWindow window, long rereadLimit, long rereadBytes) {
        FileChannel channel = new FileChannelFromSeekableByteChannel(window);
        long size = window.size();
        long offset = -1;
        for (long at = 0; at < size; at = at == 0 ? 512 : at * 2) {
            if (hasSignature(channel, at)) {
                offset = at;
                break;
            }
        }
        if (offset < 0) {
            throw new HdfException("No valid HDF5 signature found");
        }
        Superblock superblock = Superblock.readSuperblock(channel, offset);
        if (superblock.getBaseAddressByte() != offset) {
            throw new HdfException("Invalid superblock base address detected");
        }
        // four times the file's size: saturating, a window is at most 2^63 - 1 bytes
        long byteLimit = rereadBytes + Math.min(size, (Long.MAX_VALUE - rereadBytes) / 4) * 4;
        H5Storage storage = new H5Storage(channel, size, superblock, rereadLimit, byteLimit);
        try {
            Constructor<HdfFile> constructor = HdfFile.class.getDeclaredConstructor(HdfBackingStorage.class);
            constructor.setAccessible(true);
            return constructor.newInstance(storage);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jhdf's HdfFile(HdfBackingStorage) constructor is not there", e);
        }
    }

    private static boolean hasSignature(FileChannel channel, long at) {
        ByteBuffer head = ByteBuffer.allocate(HDF5_SIGNATURE.length);
        try {
            while (head.hasRemaining() && channel.read(head, at + head.position()) > 0) {
                // read on
            }
        } catch (IOException e) {
            throw new HdfException("Failed to read at address " + at, e);
        }
        return !head.hasRemaining() && Arrays.equals(head.array(), HDF5_SIGNATURE);
    }

    /**
     * The nodes of the trees jhdf walks to list a group's members or find an attribute: v1 B-tree nodes
     * ({@code TREE}), symbol-table nodes ({@code SNOD}), v2 B-tree internal and leaf nodes ({@code BTIN},
     * {@code BTLF}) and fractal-heap blocks ({@code FHIB}, {@code FHDB}). jhdf reads each of them once per
     * group or object in a file whose trees are trees; other structures (a global heap collection holding the
     * strings of many attributes) are legitimately read again and again.
     */
    private static boolean isTreeNode(ByteBuffer buffer) {
        if (buffer.remaining() < 4) {
            return false;
        }
        int at = buffer.position();
        String signature = new String(new byte[] {buffer.get(at), buffer.get(at + 1), buffer.get(at + 2),
                buffer.get(at + 3)}, StandardCharsets.ISO_8859_1);
        return TREE_SIGNATURES.contains(signature);
    }

    /** Tree nodes read again so far. */
    long rereads() {
        return rereads;
    }

    @Override
    public ByteBuffer readBufferFromAddress(long address, int length) {
        return readRaw(address + superblock.getBaseAddressByte(), length);
    }

    @Override
    public ByteBuffer map(long address, long length) {
        return mapNoOffset(address + superblock.getBaseAddressByte(), length);
    }

    @Override
    public ByteBuffer mapNoOffset(long address, long length) {
        if (length > Integer.MAX_VALUE) {
            throw new HdfException("Structure of " + length + " bytes at address " + address
                    + " is larger than one read can be.");
        }
        return readRaw(address, (int) length);
    }

    private ByteBuffer readRaw(long address, int length) {
        if (address < 0 || length < 0 || address > size || length > size - address) {
            throw new HdfException("Structure of " + Integer.toUnsignedString(length) + " bytes at address "
                    + Long.toUnsignedString(address) + " runs past the end of the file (" + size + " bytes)");
        }
        if (!everyAddress.add(address)) {
            rereadBytes += length;
            if (rereadBytes > rereadByteLimit) {
                throw new RereadBytesException(address, rereadByteLimit);
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, address + buffer.position()) <= 0) {
                    throw new HdfException("File ends before address " + (address + length));
                }
            }
        } catch (IOException e) {
            throw new HdfException("Failed to read at address " + address, e);
        }
        buffer.flip();
        if (isTreeNode(buffer) && !addresses.add(address) && ++rereads > rereadLimit) {
            throw new RereadException(address, rereadLimit);
        }
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The re-read budget is spent: a limit, named in KerasReader's message. */
    static final class RereadException extends HdfException {
        final long address;
        final long limit;

        RereadException(long address, long limit) {
            super("HDF5 tree node re-read budget spent at address " + address);
            this.address = address;
            this.limit = limit;
        }
    }

    /** The re-read byte budget is spent. */
    static final class RereadBytesException extends HdfException {
        final long address;
        final long limit;

        RereadBytesException(long address, long limit) {
            super("HDF5 re-read byte budget spent at address " + address);
            this.address = address;
            this.limit = limit;
        }
    }

    @Override
    public long getUserBlockSize() {
        return superblock.getBaseAddressByte();
    }

    @Override
    public Superblock getSuperblock() {
        return superblock;
    }

    @Override
    public FileChannel getFileChannel() {
        return channel;
    }

    @Override
    public int getSizeOfOffsets() {
        return superblock.getSizeOfOffsets();
    }

    @Override
    public int getSizeOfLengths() {
        return superblock.getSizeOfLengths();
    }

    @Override
    public void close() {
        // the caller closes the window's channel
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean inMemory() {
        return true;
    }
}
