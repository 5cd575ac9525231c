package dev.modelsummary.format.tfjs;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a TensorFlow.js {@code model.json} (layers model or graph model): the weights manifest lists every
 * weight's name, shape and dtype, so only model.json is read, never the {@code .bin} shards. The shards beside
 * it are only measured (their sizes, by {@code stat}), to check that each group's weights fill them exactly;
 * each distinct shard once, and only plain relative names inside model.json's folder ({@link SiblingFiles}).
 *
 * <p>Shapes are as the manifest gives them: row-major, outermost first, as in PyTorch (a Dense kernel stays
 * TensorFlow's {@code [in, out]}; nothing is transposed). A quantized weight's {@link DType} is the stored one
 * ({@code uint8}, {@code uint16}, {@code float16}), so its bytes are the bytes on disk; the dtype the model
 * computes in (the entry's own {@code dtype}) is named in one warning per kind of quantization.
 *
 * <p>Roles: in a layers model every weight is a trainable parameter except Keras's non-trainable
 * BatchNormalization statistics ({@code moving_mean}, {@code moving_variance}) and int32/bool weights, which are
 * buffers. A graph model is a frozen graph: its weights are parameters that do not train (int32/bool ones are
 * buffers). Weights of group {@code optimizer} are optimizer state, not listed (a warning counts them).
 */
public final class TfjsReader implements WeightReader {
    public static final String FORMAT = "tfjs";
    private static final String MODEL_JSON = "model.json";
    private static final String MARKER = "weightsManifest";
    private static final java.util.Set<String> BUFFER_NAMES = java.util.Set.of("moving_mean", "moving_variance");

    @Override
    public String format() {
        return FORMAT;
    }

    /** The converter names its output {@code model.json}; other JSON files are claimed only by their bytes. */
    @Override
    public List<String> extensions() {
        return List.of(MODEL_JSON);
    }

    /**
     * A JSON object whose first bytes hold the top-level key {@code "weightsManifest"}: the head is scanned as JSON
     * tokens (strings with their escapes, nesting), so the word inside a string or a nested object does not count.
     * A safetensors index ({@code weight_map}) or a Hugging Face {@code config.json} has no such key; a model.json
     * whose topology pushes the manifest past the head is still read by its name.
     */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        int i = 0;
        while (i < head.length && isWhitespace(head[i])) {
            i++;
        }
        if (i == head.length || head[i] != '{') {
            return false;
        }
        int depth = 0;
        for (; i < head.length; i++) {
            byte b = head[i];
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (--depth <= 0) {
                    return false;
                }
            } else if (b == '"') {
                int start = i + 1;
                for (i = start; i < head.length && head[i] != '"'; i++) {
                    if (head[i] == '\\') {
                        i++;
                    }
                }
                if (i >= head.length) {
                    return false; // the head ends inside a string
                }
                if (depth == 1 && isMarker(head, start, i)) {
                    int j = i + 1;
                    while (j < head.length && isWhitespace(head[j])) {
                        j++;
                    }
                    if (j < head.length && head[j] == ':') {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isMarker(byte[] head, int start, int end) {
        return end - start == MARKER.length()
                && MARKER.equals(new String(head, start, end - start, StandardCharsets.ISO_8859_1));
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        ModelJson json;
        try (SeekableByteChannel channel = opener.open(path)) {
            long size = channel.size();
            if (size > Limits.current().get(Limit.INDEX_JSON_BYTES)) {
                throw new FormatException("model.json is '" + size + "' bytes, over the limit of '"
                        + Limits.current().get(Limit.INDEX_JSON_BYTES) + "' bytes ("
                        + Limit.INDEX_JSON_BYTES.raise() + ").");
            }
            try (InputStream in = new BufferedInputStream(new RegionInputStream(channel, 0, size), 1 << 16)) {
                json = ModelJson.read(in);
            }
        }
        List<String> warnings = new ArrayList<>();
        Path directory = path.toAbsolutePath().getParent();
        Map<String, Long> sizes = measureShards(directory, json.groups());
        for (int g = 0; g < json.groups().size(); g++) {
            checkShards(g, json.groups().get(g), sizes, warnings);
        }
        List<TensorEntry> tensors = new ArrayList<>();
        Map<String, Integer> quantized = new LinkedHashMap<>();
        int optimizer = 0;
        for (ModelJson.Group group : json.groups()) {
            for (ModelJson.Weight w : group.weights()) {
                if ("optimizer".equals(w.group())) {
                    optimizer++;
                    continue;
                }
                tensors.add(entry(w, json.graphModel()));
                if (w.quantized()) {
                    quantized.merge(w.stored().manifestName() + " (computed as " + w.dtype().manifestName() + ")",
                            1, Integer::sum);
                }
            }
        }
        quantized.forEach((kind, n) -> warnings.add("'" + n + "' weights are stored quantized as " + kind
                + "; their dtype here is the stored one."));
        if (optimizer > 0) {
            warnings.add("'" + optimizer + "' optimizer weights (group 'optimizer') are not listed.");
        }
        return new Model(name(path), FORMAT, path.toString(), tensors, warnings);
    }

    private static TensorEntry entry(ModelJson.Weight w, boolean graphModel) {
        DType stored = w.stored().dtype();
        String name = w.name();
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (w.dtype().dtype().isIntegerOrBool() || !graphModel && BUFFER_NAMES.contains(last)) {
            return TensorEntry.buffer(name, w.shape(), stored);
        }
        return TensorEntry.parameter(name, w.shape(), stored, !graphModel);
    }

    /**
     * Every shard the groups name, resolved beside model.json before any is measured: a name that leaves the
     * folder (a URL, an absolute path, {@code ..}) is refused, as are more distinct shards than the shard-files
     * limit. Each distinct shard is then measured once, by its attributes, never opened.
     */
    private static Map<String, Long> measureShards(Path directory, List<ModelJson.Group> groups) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, String> firstGroup = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            String subject = "Manifest group '" + g + "'";
            for (String name : groups.get(g).paths()) {
                if (!files.containsKey(name)) {
                    files.put(name, resolve(directory, name, subject));
                    firstGroup.put(name, subject);
                }
            }
        }
        SiblingFiles.checkCount(new java.util.HashSet<>(files.values()).size(), "model.json");
        Map<Path, Long> sizeOf = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            String name = e.getKey();
            Path shard = e.getValue();
            if (!sizeOf.containsKey(shard)) {
                SiblingFiles.checkInside(directory, shard, "Shard " + Quote.of(name));
                sizeOf.put(shard, measure(shard, name, firstGroup.get(name)));
            }
            sizes.put(name, sizeOf.get(shard));
        }
        return sizes;
    }

    /** The shard's size; -1 when it is not there. */
    private static long measure(Path shard, String name, String subject) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(shard, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return -1;
        }
        if (!attributes.isRegularFile()) {
            throw new FormatException(subject + " has the shard " + Quote.of(name) + ", which is not a regular file.");
        }
        return attributes.size();
    }

    /**
     * The group's shards beside model.json (sizes from {@link #measureShards}): together they must hold exactly
     * the group's bytes. Fewer bytes is an error (the weights cannot all be there); more, or missing shards, a
     * warning.
     */
    private static void checkShards(int index, ModelJson.Group group, Map<String, Long> sizes, List<String> warnings) {
        String subject = "Manifest group '" + index + "'";
        if (group.paths().isEmpty()) {
            if (group.bytes() > 0) {
                throw new FormatException(subject + " lists '" + group.bytes() + "' bytes of weights but no shard files.");
            }
            return;
        }
        long total = 0;
        List<String> missing = new ArrayList<>();
        for (String name : group.paths()) {
            long size = sizes.get(name);
            if (size < 0) {
                missing.add(name);
                continue;
            }
            try {
                total = Math.addExact(total, size);
            } catch (ArithmeticException e) {
                throw new FormatException(subject + "'s shards hold more than '" + Long.MAX_VALUE + "' bytes.", e);
            }
        }
        if (!missing.isEmpty()) {
            warnings.add(subject + ": shard " + Quote.of(missing.get(0))
                    + (missing.size() > 1 ? " and '" + (missing.size() - 1) + "' more" : "")
                    + " not found beside model.json; its weight sizes were not checked.");
            return;
        }
        if (total < group.bytes()) {
            throw new FormatException(subject + " lists '" + group.bytes() + "' bytes of weights but its shards hold '"
                    + total + "' bytes.");
        }
        if (total > group.bytes()) {
            warnings.add(subject + " lists '" + group.bytes() + "' bytes of weights but its shards hold '"
                    + total + "' bytes.");
        }
    }

    /**
     * Where shard {@code name} is: a plain relative path inside model.json's directory. Names that leave it or
     * name another host (URLs and other schemes, absolute paths, {@code //host}, {@code ..}, drive letters) are
     * refused ({@link SiblingFiles#resolve}).
     */
    private static Path resolve(Path directory, String name, String subject) {
        Path shard = SiblingFiles.resolve(directory, name);
        if (shard == null) {
            throw new FormatException(subject + " has the shard path " + Quote.of(name)
                    + ", which is not a file inside model.json's directory.");
        }
        return shard;
    }

    /** The directory's name for a file called model.json (every converted model is), else the file's stem. */
    private static String name(Path path) {
        Path file = path.getFileName();
        if (file != null && file.toString().toLowerCase(Locale.ROOT).equals(MODEL_JSON)) {
            Path parent = path.toAbsolutePath().normalize().getParent();
            if (parent != null && parent.getFileName() != null) {
                return parent.getFileName().toString();
            }
        }
        return file == null ? path.toString() : FileNames.stem(path);
    }
}
