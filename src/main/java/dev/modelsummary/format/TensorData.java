package dev.modelsummary.format;

import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.DType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where each tensor's bytes lie in the files a model was read from, for {@code diff --values}. Readers never
 * read tensor data; while a read runs inside {@link #recording}, the readers that know where the data is
 * (safetensors: the header's {@code data_offsets}; torch.save ZIP: the storage's {@code data/<key>} record, the
 * view's offset, size and strides) note it here under the tensor's final name. Outside {@link #recording}
 * every note is a no-op. A tensor no reader noted has no known location (a built-in, a format that does not
 * say, a legacy stream).
 */
public final class TensorData {
    private static final ThreadLocal<Recorder> RECORDER = new ThreadLocal<>();

    private TensorData() {
    }

    /** Where one tensor's bytes are, read in row-major order. */
    public sealed interface Location permits Span, View {
        Path file();
    }

    /** {@code length} contiguous bytes from the absolute {@code offset} of {@code file}. */
    public record Span(Path file, long offset, long length) implements Location {
    }

    /**
     * A strided view into a ZIP record (a torch storage): element {@code i} of the view is storage element
     * {@code storageOffset + sum(i_k * stride_k)} of {@code dtype}.
     */
    public record View(Path file, ZipDirectory directory, ZipDirectory.Entry record, DType dtype,
                       long storageOffset, long[] size, long[] stride) implements Location {
    }

    /** A read's result and the locations noted while it ran, by tensor name (the first note of a name wins). */
    public record Recorded<T>(T value, Map<String, Location> locations) {
    }

    private record PendingView(String name, Path file, Object storage, DType dtype, long storageOffset,
                               long[] size, long[] stride) {
    }

    private record StorageRecord(ZipDirectory directory, ZipDirectory.Entry entry) {
    }

    private static final class Recorder {
        private final Map<String, Location> located = new LinkedHashMap<>();
        private final Map<String, PendingView> views = new LinkedHashMap<>();
        private final Map<Object, StorageRecord> storages = new IdentityHashMap<>();
    }

    /** Runs {@code read}, noting where the tensors it lists keep their bytes. */
    public static <T> Recorded<T> recording(Supplier<T> read) {
        Recorder previous = RECORDER.get();
        Recorder recorder = new Recorder();
        RECORDER.set(recorder);
        try {
            T value = read.get();
            Map<String, Location> locations = new HashMap<>(recorder.located);
            recorder.views.forEach((name, v) -> {
                StorageRecord record = recorder.storages.get(v.storage());
                if (record != null) {
                    locations.putIfAbsent(name, new View(v.file(), record.directory(), record.entry(), v.dtype(),
                            v.storageOffset(), v.size().clone(), v.stride().clone()));
                }
            });
            return new Recorded<>(value, locations);
        } finally {
            RECORDER.set(previous);
        }
    }

    /** A tensor whose bytes are {@code length} contiguous bytes at {@code offset} of {@code file}. */
    public static void noteSpan(String name, Path file, long offset, long length) {
        Recorder recorder = RECORDER.get();
        if (recorder != null && !recorder.views.containsKey(name)) {
            recorder.located.putIfAbsent(name, new Span(file, offset, length));
        }
    }

    /** A storage object (compared by identity) whose bytes are the ZIP record {@code entry}. */
    public static void noteStorage(Object storage, ZipDirectory directory, ZipDirectory.Entry entry) {
        Recorder recorder = RECORDER.get();
        if (recorder != null) {
            recorder.storages.putIfAbsent(storage, new StorageRecord(directory, entry));
        }
    }

    /** A tensor viewing {@code storage} (located by {@link #noteStorage}, or not at all). */
    public static void noteView(String name, Path file, Object storage, DType dtype, long storageOffset,
                                long[] size, long[] stride) {
        Recorder recorder = RECORDER.get();
        if (recorder != null && storage != null && !recorder.located.containsKey(name)) {
            recorder.views.putIfAbsent(name, new PendingView(name, file, storage, dtype, storageOffset, size,
                    stride));
        }
    }
}
