package dev.modelsummary.format.keras;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.Facts;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.io.ChannelWindow;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import io.jhdf.AbstractNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.message.DataLayout;
import io.jhdf.object.message.DataSpaceMessage;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Keras weight files header-only, with jhdf for the HDF5 part: a Keras 3 {@code .keras} archive (its
 * STORED {@code model.weights.h5}, read in place inside the ZIP, and its {@code config.json}), a Keras 3
 * {@code .weights.h5}, and a legacy Keras 2 / tf.keras {@code .h5} (full model or weights only). Only HDF5
 * object headers, heaps and attributes are read (dataset paths, dimensions, datatypes): never dataset data.
 *
 * <p>Names: Keras 3 files give the HDF5 path as Keras writes it ({@code layers/dense_1/vars/0}); legacy files
 * give {@code <layer>/<weight name>} in {@code layer_names} and {@code weight_names} order. Shapes are the HDF5
 * shapes, which are Keras's own (a Dense kernel is {@code (in, out)}), not transposed to PyTorch's order.
 * Optimizer variables ({@code optimizer/} in Keras 3, {@code optimizer_weights} in legacy files) are not model
 * weights: they are counted in a warning, not listed.
 */
public final class KerasReader implements WeightReader {
    public static final String FORMAT = "keras";
    /** HDF5 format signature (at offset 0, or 512, 1024, 2048 ... after a user block). */
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final String WEIGHTS_H5 = "model.weights.h5";
    private static final String WEIGHTS_NPZ = "model.weights.npz";
    private static final String CONFIG_JSON = "config.json";
    private static final String METADATA_JSON = "metadata.json";
    /** The members Keras 3's saving_lib writes first (metadata.json, then config.json, then the weights). */
    private static final Set<String> KERAS_FIRST_MEMBERS = Set.of(METADATA_JSON, CONFIG_JSON, WEIGHTS_H5);

    /** HDF5 dataspace message (version 2) type 2: a null dataspace, no elements at all. */
    private static final int NULL_DATASPACE = 2;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".keras", ".h5", ".hdf5");
    }

    /**
     * The HDF5 signature at byte 0, or a ZIP whose first local header names a member Keras 3 writes first.
     * HDF5 files with a user block (signature at 512 or later) are found by their extension.
     */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (startsWith(head, HDF5_MAGIC)) {
            return true;
        }
        // local file header: ... u16 name length at +26, u16 extra length at +28, name at +30
        if (!startsWith(head, ZIP_MAGIC) || head.length < 30) {
            return false;
        }
        int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
        if (head.length < 30 + nameLength) {
            return false;
        }
        return KERAS_FIRST_MEMBERS.contains(new String(head, 30, nameLength, StandardCharsets.UTF_8));
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Fact> facts = new ArrayList<>();
        List<TensorEntry> tensors;
        try (SeekableByteChannel channel = opener.open(path)) {
            byte[] head = Channels.readUpTo(channel, 0, ZIP_MAGIC.length);
            if (startsWith(head, ZIP_MAGIC)) {
                tensors = readKeras3Archive(channel, warnings, facts);
            } else {
                tensors = readHdf5(new ChannelWindow(channel, 0, channel.size()), KerasConfig.NONE, warnings, facts);
            }
        }
        return new Model(FileNames.stem(path), FORMAT, path.toString(), tensors, warnings)
                .withDetails(FileDetails.NONE.withFacts(facts));
    }

    /** A {@code .keras} ZIP: {@code config.json} for layer classes and trainable flags, then the weights. */
    private static List<TensorEntry> readKeras3Archive(SeekableByteChannel channel, List<String> warnings,
                                                       List<Fact> facts) throws IOException {
        ZipDirectory zip = ZipDirectory.read(channel);
        ZipDirectory.Entry weights = zip.find(WEIGHTS_H5).orElseThrow(() -> zip.find(WEIGHTS_NPZ).isPresent()
                ? new FormatException("Keras archive holds its weights as '" + WEIGHTS_NPZ
                        + "', which this reader does not read.")
                : new FormatException("Keras archive holds no '" + WEIGHTS_H5 + "' (sharded weights are not read)."));
        if (weights.method() != ZipDirectory.STORED) {
            throw new FormatException("Keras archive's '" + WEIGHTS_H5 + "' is compressed (method "
                    + weights.method() + "); only a STORED one (Keras's default) can be read header-only.");
        }
        Optional<ZipDirectory.Entry> metadata = zip.find(METADATA_JSON);
        if (metadata.isPresent()) {
            try (InputStream in = jsonMember(zip, metadata.get(), channel)) {
                String version = topLevelText(in, "keras_version");
                if (version != null) {
                    facts.add(Facts.of("Keras version", version));
                }
            } catch (JsonProcessingException | CharConversionException e) {
                throw notJson(METADATA_JSON);
            }
        }
        KerasConfig.Parsed layers = KerasConfig.NONE;
        if (zip.find(CONFIG_JSON).isPresent()) {
            KerasConfig.Parsed config;
            try (InputStream in = jsonMember(zip, zip.find(CONFIG_JSON).get(), channel)) {
                config = KerasConfig.read(in, "Keras archive's " + Quote.of(CONFIG_JSON));
            } catch (JsonProcessingException | CharConversionException e) {
                // CharConversionException: Jackson's decoding of a byte sequence that is no UTF-8/16/32
                throw notJson(CONFIG_JSON);
            }
            if (!config.rootClass().isEmpty()) {
                facts.add(Facts.of("model class", config.rootClass()));
            }
            layers = config;
        }
        long start = zip.dataOffset(channel, weights);
        return readHdf5(new ChannelWindow(channel, start, weights.size()), layers, warnings, facts);
    }

    /** A JSON member of the archive, streamed (never read whole), within {@code keras-config-bytes}. */
    private static InputStream jsonMember(ZipDirectory zip, ZipDirectory.Entry entry, SeekableByteChannel channel)
            throws IOException {
        long maxBytes = Limits.current().get(Limit.KERAS_CONFIG_BYTES);
        if (entry.size() > maxBytes) {
            throw new FormatException("Keras archive's " + Quote.of(entry.name()) + " is " + entry.size()
                    + " bytes, over the limit of " + maxBytes + " (" + Limit.KERAS_CONFIG_BYTES.raise() + ").");
        }
        return zip.open(channel, entry);
    }

    private static FormatException notJson(String member) {
        return new FormatException("Keras archive's " + Quote.of(member) + " is not valid JSON.");
    }

    /** The text value of {@code field} in the top-level object, if any; the rest is skipped as tokens. */
    private static String topLevelText(InputStream in, String field) throws IOException {
        try (JsonParser parser = KerasConfig.FACTORY.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String found = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == JsonToken.VALUE_STRING && found == null) {
                    found = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        }
    }

    /**
     * The HDF5 part, through jhdf. Everything jhdf throws, and the errors a hostile file can provoke in it
     * (deep recursion, a huge declared structure), becomes one FormatException here.
     */
    private static List<TensorEntry> readHdf5(ChannelWindow window, KerasConfig.Parsed layers,
                                              List<String> warnings, List<Fact> facts) {
        try (HdfFile file = H5Storage.open(window, Limits.current().get(Limit.HDF5_NODE_REREADS),
                Limits.current().get(Limit.HDF5_REREAD_BYTES))) {
            Walk walk = new Walk(layers, warnings);
            List<TensorEntry> tensors = walk.read(file);
            facts.addAll(legacyFacts(file));
            return tensors;
        } catch (FormatException e) {
            throw e;
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof H5Storage.RereadException reread) {
                    throw new FormatException("HDF5 tree nodes are reached again and again (the node at address "
                            + reread.address + " is shared along many paths): more than " + reread.limit
                            + " re-read (" + Limit.HDF5_NODE_REREADS.raise() + ").", e);
                }
                if (cause instanceof H5Storage.RereadBytesException reread) {
                    throw new FormatException("HDF5 structures are read again and again (the one at address "
                            + reread.address + " among them, as through many links to one object): more than "
                            + reread.limit + " bytes re-read, four times the file's size plus hdf5-reread-bytes "
                            + "(" + Limit.HDF5_REREAD_BYTES.raise() + ").", e);
                }
            }
            throw new FormatException("Not a readable HDF5 file: " + Quote.of(describe(e)) + ".", e);
        } catch (StackOverflowError e) {
            throw new FormatException("HDF5 structures nest too deeply to read.");
        } catch (OutOfMemoryError e) {
            throw new FormatException("HDF5 file declares a structure too large to read.");
        }
    }

    /**
     * tf.keras writes {@code keras_version} and {@code backend} as root attributes of a legacy file: kept when
     * each is one string.
     */
    private static List<Fact> legacyFacts(HdfFile file) {
        List<Fact> facts = new ArrayList<>();
        for (String[] attribute : new String[][] {{"keras_version", "Keras version"}, {"backend", "backend"}}) {
            Attribute a = file.getAttribute(attribute[0]);
            if (a != null && !a.isEmpty() && a.getSize() == 1 && a.getData() instanceof String text) {
                facts.add(Facts.of(attribute[1], text));
            }
        }
        return facts;
    }

    /** jhdf's message, and its innermost cause's when that says something more (what actually failed). */
    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message;
    }

    /** One file's walk. */
    private static final class Walk {
        private static final String TOP_LEVEL = "top_level_model_weights";
        private Map<String, KerasConfig.Layer> layers;
        private final Map<String, KerasConfig.Layer> layersByPath;
        private final List<String> warnings;
        private final List<TensorEntry> tensors = new ArrayList<>();
        private final Set<Long> visited = new HashSet<>();
        private int links;
        private int unwritten;
        private int unmarkedBfloat16;

        Walk(KerasConfig.Parsed config, List<String> warnings) {
            this.layers = config.layers();
            this.layersByPath = config.byPath();
            this.warnings = warnings;
        }

        List<TensorEntry> read(HdfFile file) {
            if (hasNamesAttribute(file, "layer_names")) {
                rolesGuessed();
                readLegacy(file, ""); // tf.keras save_weights: the layers at the root
            } else if (file.getChild("model_weights") instanceof Group g && !g.isLink()
                    && hasNamesAttribute(g, "layer_names")) {
                layers = modelConfig(file);
                if (layers.isEmpty()) {
                    rolesGuessed();
                }
                readLegacy(g, "");
                if (file.getChild("optimizer_weights") instanceof Group opt && !opt.isLink()) {
                    warnings.add("Optimizer state in 'optimizer_weights' is not listed: it is not model weights.");
                }
            } else {
                if (layers.isEmpty()) {
                    rolesGuessed();
                }
                walkGroup(file, 0);
            }
            if (links > 0) {
                warnings.add(links + " HDF5 link(s) not followed.");
            }
            if (unwritten > 0) {
                warnings.add(unwritten + " dataset(s) declared but never written: no data is stored for them "
                        + "(h5py reads them as the fill value).");
            }
            if (unmarkedBfloat16 > 0) {
                warnings.add(unmarkedBfloat16 + " dataset(s) hold 2-byte HDF5 opaque values with no dtype marker: "
                        + "read as bfloat16, the one 2-byte type Keras stores that way.");
            }
            return tensors;
        }

        /**
         * Legacy layout: {@code layer_names} lists the layer groups in model order; each layer group's
         * {@code weight_names} lists its datasets (paths relative to the group, {@code dense/kernel:0}) in
         * weight order. Either attribute may be split into {@code name0}, {@code name1} ... when large.
         */
        private void readLegacy(Group base, String prefix) {
            for (String layerName : namesAttribute(base, "layer_names")) {
                Node layer = base.getChild(layerName);
                if (!(layer instanceof Group group) || layer.isLink()) {
                    throw new FormatException("'layer_names' lists " + Quote.of(layerName)
                            + ", which is not a group.");
                }
                List<String> weightNames = hasNamesAttribute(group, "weight_names")
                        ? namesAttribute(group, "weight_names") : List.of();
                for (String weightName : weightNames) {
                    Node node = child(group, weightName);
                    if (!(node instanceof Dataset dataset)) {
                        throw new FormatException("Layer " + Quote.of(layerName) + " lists weight "
                                + Quote.of(weightName) + ", which is not a dataset.");
                    }
                    String name = prefix + layerName + "/" + weightName;
                    add(legacyEntry(name, layerName, weightName, dataset));
                }
            }
            // Keras 3's legacy writer adds the model's own variables (not of any layer) in this group
            if (base.getChildren().get(TOP_LEVEL) instanceof Group top && !top.isLink()
                    && !namesAttribute(base, "layer_names").contains(TOP_LEVEL) && hasNamesAttribute(top, "weight_names")) {
                for (String weightName : namesAttribute(top, "weight_names")) {
                    if (!(child(top, weightName) instanceof Dataset dataset)) {
                        throw new FormatException(Quote.of(TOP_LEVEL) + " lists weight " + Quote.of(weightName)
                                + ", which is not a dataset.");
                    }
                    add(legacyEntry(prefix + TOP_LEVEL + "/" + weightName, TOP_LEVEL, weightName, dataset));
                }
            }
        }

        /** Follows a relative path one child at a time, never through a link. */
        private Node child(Group group, String relative) {
            Node node = group;
            for (String part : relative.split("/", -1)) {
                if (!(node instanceof Group g) || part.isEmpty()) {
                    return null;
                }
                node = g.getChildren().get(part);
                if (node == null || node.isLink()) {
                    return null;
                }
            }
            return node;
        }

        private void rolesGuessed() {
            warnings.add("The file holds no model config: roles are inferred from names (BatchNormalization "
                    + "moving statistics and integer variables non-trainable, every other weight trainable).");
        }

        /**
         * A legacy full-model file's {@code model_config} root attribute (the model's {@code get_config()} as
         * JSON), streamed like config.json; no layers when there is none.
         */
        private static Map<String, KerasConfig.Layer> modelConfig(HdfFile file) {
            Attribute attribute = file.getAttribute("model_config");
            if (attribute == null || attribute.isEmpty() || attribute.getSize() != 1
                    || !(attribute.getData() instanceof String json)) {
                return Map.of();
            }
            if (json.length() > Limits.current().get(Limit.KERAS_CONFIG_BYTES)) {
                throw new FormatException("Attribute 'model_config' is " + json.length() + " characters, over the "
                        + "limit of " + Limits.current().get(Limit.KERAS_CONFIG_BYTES) + " ("
                        + Limit.KERAS_CONFIG_BYTES.raise() + ").");
            }
            try {
                return KerasConfig.read(json, "Attribute 'model_config'").layers();
            } catch (IOException e) {
                throw new FormatException("Attribute 'model_config' is not valid JSON.");
            }
        }

        /**
         * Roles of a legacy weight. Keras writes a layer's weights as {@code trainable_weights +
         * non_trainable_weights}; from the model config: every weight of a frozen layer (its own
         * {@code trainable: false} or an enclosing model's) is a frozen parameter, and the variables Keras creates
         * non-trainable are buffers (by their names: BatchNormalization's moving statistics, Normalization's
         * mean, variance and count, SpectralNormalization's power-iteration vector). The layer is the innermost
         * component of the weight's path that names a config layer (nested models), else the layer group.
         * Without a config, names alone: the moving statistics are buffers. Integer and bool weights are buffers.
         */
        private TensorEntry legacyEntry(String name, String layerName, String weightName, Dataset dataset) {
            String[] parts = weightName.split("/", -1);
            String last = parts[parts.length - 1];
            int colon = last.indexOf(':');
            last = colon < 0 ? last : last.substring(0, colon);
            KerasDType dtype = dtypeOf(dataset, name);
            Shape shape = shapeOf(dataset, name);
            KerasConfig.Layer layer = null;
            for (int i = parts.length - 2; i >= 0 && layer == null; i--) {
                layer = layers.get(parts[i]);
            }
            if (layer == null) {
                layer = layers.get(layerName);
            }
            boolean buffer = dtype.dtype().isIntegerOrBool() || (layer == null
                    ? last.equals("moving_mean") || last.equals("moving_variance")
                    : NonTrainable.byName(layer.className(), last));
            return buffer ? TensorEntry.buffer(name, shape, dtype.dtype())
                    : TensorEntry.parameter(name, shape, dtype.dtype(), layer == null || layer.trainable());
        }

        /** Keras 3 layout: every dataset, groups in name order, a {@code vars} group's datasets by index. */
        private void walkGroup(Group group, int depth) {
            if (depth > Limits.current().getInt(Limit.HDF5_GROUP_DEPTH)) {
                throw new FormatException("HDF5 groups nest deeper than "
                        + Limits.current().getInt(Limit.HDF5_GROUP_DEPTH) + " ("
                        + Limit.HDF5_GROUP_DEPTH.raise() + ").");
            }
            if (!visited.add(group.getAddress())) {
                return; // a second hard link to a group already walked
            }
            if (visited.size() > Limits.current().getInt(Limit.HDF5_GROUPS)) {
                throw new FormatException("HDF5 file holds more than " + Limits.current().getInt(Limit.HDF5_GROUPS)
                        + " groups (" + Limit.HDF5_GROUPS.raise() + ").");
            }
            List<Node> children = new ArrayList<>(group.getChildren().values());
            boolean vars = group.getName().equals("vars");
            children.sort(vars ? Comparator.comparing(Node::getName, Walk::byIndex)
                    : Comparator.comparing(Node::getName));
            List<Dataset> datasets = new ArrayList<>();
            for (Node child : children) {
                if (child.isLink()) {
                    links++;
                } else if (depth == 0 && child.getName().equals("optimizer")) {
                    warnings.add("Optimizer state in 'optimizer' is not listed: it is not model weights.");
                } else if (child instanceof Group g) {
                    walkGroup(g, depth + 1);
                } else if (child instanceof Dataset d) {
                    datasets.add(d);
                }
            }
            for (int i = 0; i < datasets.size(); i++) {
                add(keras3Entry(group, datasets.get(i), i, datasets.size()));
            }
        }

        /** {@code "2"} before {@code "10"}: numeric names by value, first; others by name. */
        private static int byIndex(String a, String b) {
            boolean na = a.matches("[0-9]{1,9}");
            boolean nb = b.matches("[0-9]{1,9}");
            if (na && nb) {
                return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
            }
            return na ? -1 : nb ? 1 : a.compareTo(b);
        }

        /**
         * Roles, inferred: a layer config.json marks {@code trainable: false} holds frozen parameters; in a
         * BatchNormalization layer (by its config class, or by the HDF5 group name without a config) the
         * variables after the trainable ones (gamma and beta, as center/scale say) are the moving statistics,
         * buffers; integer and bool variables are buffers.
         */
        private TensorEntry keras3Entry(Group vars, Dataset dataset, int index, int count) {
            String name = stripSlash(dataset.getPath());
            KerasDType dtype = dtypeOf(dataset, name);
            Shape shape = shapeOf(dataset, name);
            KerasConfig.Layer layer = null;
            Attribute layerName = vars.getAttribute("name");
            if (layerName != null && layerName.getData() instanceof String s) {
                layer = layers.get(s);
            } else if (vars.getParent() != null) {
                layer = layersByPath.get(stripSlash(vars.getParent().getPath()).replaceAll("/+$", ""));
            }
            boolean trainable = layer == null || layer.trainable();
            int trainableVars = count;
            if (layer != null && layer.className().equals("BatchNormalization")) {
                trainableVars = (layer.center() ? 1 : 0) + (layer.scale() ? 1 : 0);
            } else if (layer != null && NonTrainable.ALL_VARIABLES.contains(layer.className())) {
                trainableVars = 0;
            } else if (layer == null && vars.getParent() != null
                    && vars.getParent().getName().matches("batch_normalization(_[0-9]+)?") && count >= 2) {
                trainableVars = count - 2;
            }
            if (index >= trainableVars || dtype.dtype().isIntegerOrBool()) {
                return TensorEntry.buffer(name, shape, dtype.dtype());
            }
            return TensorEntry.parameter(name, shape, dtype.dtype(), trainable);
        }

        private void add(TensorEntry entry) {
            if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("HDF5 file holds more than '" + Limits.current().getInt(Limit.TENSORS)
                        + "' datasets, the limit (" + Limit.TENSORS.raise() + ").");
            }
            try {
                entry.bytes();
            } catch (ArithmeticException e) {
                throw new FormatException("Dataset " + Quote.of(entry.name()) + " of shape " + entry.shape()
                        + " has more bytes than fit in a long.");
            }
            tensors.add(entry);
        }

        private KerasDType dtypeOf(Dataset dataset, String name) {
            Attribute marker = dataset.getAttribute("dtype");
            boolean bfloat16 = marker != null && "bfloat16".equals(marker.getData());
            if (!bfloat16 && KerasDType.isUntaggedOpaque16(dataset.getDataType())) {
                unmarkedBfloat16++;
            }
            return KerasDType.of(dataset.getDataType(), bfloat16, name);
        }

        /**
         * The dataspace's dimensions. A dataset declared and never written (contiguous, no data address) has its
         * shape all the same, as h5py reports it: it is listed and counted in a warning.
         */
        private Shape shapeOf(Dataset dataset, String name) {
            DataSpaceMessage space = ((AbstractNode) dataset).getHeader().getMessageOfType(DataSpaceMessage.class);
            if (space.getDataSpace().getType() == NULL_DATASPACE) {
                throw new FormatException("Dataset " + Quote.of(name) + " has a null dataspace.");
            }
            if (dataset.getDataLayout() == DataLayout.CONTIGUOUS && dataset.isEmpty()) {
                unwritten++;
            }
            long[] dims = dataset.isScalar() ? new long[0] : dataset.getDimensionsAsLong();
            if (dims.length > Limits.current().getInt(Limit.RANK)) {
                throw new FormatException("Dataset " + Quote.of(name) + " has " + dims.length
                        + " dimensions, over the limit of " + Limits.current().getInt(Limit.RANK)
                        + " (" + Limit.RANK.raise() + ").");
            }
            for (long d : dims) {
                if (d < 0) {
                    throw new FormatException("Dataset " + Quote.of(name) + " has dimension '"
                            + Long.toUnsignedString(d) + "', more than fits in a long.");
                }
            }
            return Shape.of(dims);
        }

        private static boolean hasNamesAttribute(Node node, String name) {
            return node.getAttribute(name) != null || node.getAttribute(name + "0") != null;
        }

        /** A list-of-strings attribute, or its chunks {@code name0}, {@code name1} ... concatenated. */
        private List<String> namesAttribute(Node node, String name) {
            Attribute whole = node.getAttribute(name);
            if (whole != null) {
                return strings(whole, name);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; node.getAttribute(name + i) != null; i++) {
                Attribute part = node.getAttribute(name + i);
                names.addAll(strings(part, name + i));
                if (names.size() > Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("Attribute " + Quote.of(name) + " lists more than '"
                            + Limits.current().getInt(Limit.TENSORS) + "' names, the limit ("
                            + Limit.TENSORS.raise() + ").");
                }
            }
            return names;
        }

        /** h5py writes Keras's name lists as arrays of byte strings; an empty list as an empty float array. */
        private static List<String> strings(Attribute attribute, String name) {
            if (attribute.isEmpty() || attribute.getSize() == 0) {
                return List.of();
            }
            if (attribute.getSize() > Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Attribute " + Quote.of(name) + " lists " + attribute.getSize()
                        + " names, over the limit of '" + Limits.current().getInt(Limit.TENSORS)
                        + "' (" + Limit.TENSORS.raise() + ").");
            }
            Object data = attribute.getData();
            if (data instanceof String s) {
                return List.of(s);
            }
            if (data instanceof String[] array) {
                return Arrays.asList(array);
            }
            throw new FormatException("Attribute " + Quote.of(name) + " is not a list of names.");
        }
    }

    private static String stripSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
