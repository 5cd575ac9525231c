package dev.modelsummary.format.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.Fingerprint;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.StateDictRoles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads an ONNX model ({@code .onnx}: one serialized {@code ModelProto}, no header, no magic) by walking its
 * protobuf structure down to the tensors' names, dims and data types. Every data field ({@code raw_data},
 * {@code float_data}, ...) is skipped by its declared length, never read into memory; external data is checked
 * by its {@code location}/{@code offset}/{@code length} entries, and the external file is never opened.
 *
 * <p>Listed, in this order (the order the onnx package lists them): {@code graph.initializer}, then
 * {@code graph.sparse_initializer} (by {@code values.name}, with the dense {@code dims}), then the outputs of the
 * main graph's Constant nodes; each kind followed by the same kind from the subgraphs (graph attributes of nodes:
 * If/Loop/Scan bodies), depth first in node order, up to {@link #MAX_GRAPH_DEPTH} deep. Functions and
 * training_info are not read, and a warning says when a model has them. STRING tensors are left out with a
 * warning. Constant outputs that are scalars, or integer or bool vectors, are left out too, counted in a
 * "Constant nodes" fact: an exporter writes every shape, axis and index argument and every arithmetic scalar as
 * one (247 of the 327 tensors torch 1.13's export of vit_b_32 holds: 149 integer shapes and indices, 98 float
 * scalars), and they are no weights; a Constant that is a floating-point vector or larger, or an integer one of rank 2 or more (a folded or
 * quantized weight), is listed.
 *
 * <p>Bounds: the nesting walked is fixed (ModelProto, GraphProto, NodeProto, AttributeProto, SparseTensorProto,
 * TensorProto, StringStringEntryProto; every other message is skipped whole by its length), every length is
 * checked against what remains of its enclosing message, tensors by {@link Limit#TENSORS}, dims by
 * {@link Limit#RANK}, names by {@link Limit#TENSOR_NAME_CHARS}.
 */
public final class OnnxReader implements WeightReader {
    public static final String FORMAT = "onnx";

    /**
     * ModelProto: ir_version = 1 (int64), producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
     * doc_string = 6, graph = 7 (GraphProto), opset_import = 8, metadata_props = 14, training_info = 20,
     * functions = 25, configuration = 26.
     */
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_TRAINING_INFO = 20;
    /** GraphProto: node = 1, name = 2, initializer = 5, ..., sparse_initializer = 15. */
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    /** The real IR versions are 1 to 14 (2026); sniffing accepts a little headroom. */
    private static final int MAX_SNIFFED_IR_VERSION = 32;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".onnx");
    }

    /**
     * ONNX has no magic. Claimed by bytes only when the file starts as every real writer starts it: key 0x08
     * (field 1 ir_version, varint) with a version from 1 to 32, then further ModelProto fields, each with its
     * declared wire type and a length that fits the file, as far as the head shows. Anything else is left to
     * the {@code .onnx} extension.
     */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length < 4 || head[0] != 0x08 || head[1] < 1 || head[1] > MAX_SNIFFED_IR_VERSION) {
            return false;
        }
        int pos = 2;
        int fields = 0;
        while (pos < head.length) {
            long[] tag = headVarint(head, pos);
            if (tag == null) {
                break;
            }
            pos = (int) tag[1];
            int field = (int) (tag[0] >>> 3);
            int wire = (int) (tag[0] & 7);
            boolean lengthDelimited = field == 2 || field == 3 || field == 4 || field == 6 || field == 7
                    || field == 8 || field == 14 || field == 20 || field == 25 || field == 26;
            if (lengthDelimited && wire == 2) {
                long[] length = headVarint(head, pos);
                if (length == null) {
                    break;
                }
                if (length[0] < 0 || length[0] > fileSize - length[1]) {
                    return false;
                }
                pos = (int) Math.min(head.length, length[1] + length[0]);
            } else if (field == 5 && wire == 0) {
                long[] value = headVarint(head, pos);
                if (value == null) {
                    break;
                }
                pos = (int) value[1];
            } else {
                return false;
            }
            fields++;
        }
        return fields > 0;
    }

    /** {value, position after it}, or null when the varint runs past the head or past 10 bytes. */
    private static long[] headVarint(byte[] head, int pos) {
        long value = 0;
        for (int i = 0; i < 10 && pos + i < head.length; i++) {
            value |= (long) (head[pos + i] & 0x7f) << (7 * i);
            if ((head[pos + i] & 0x80) == 0) {
                return new long[] {value, pos + i + 1};
            }
        }
        return null;
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(path)) {
            long size = channel.size();
            if (size == 0) {
                throw new FormatException("File is empty.");
            }
            if (size > Integer.MAX_VALUE) {
                throw new FormatException("File is '" + size + "' bytes, over protobuf's limit of '"
                        + Integer.MAX_VALUE + "' bytes for one message (large ONNX models keep their weights "
                        + "in external data files).");
            }
            Walk walk = new Walk();
            try {
                walk.model(new ProtoInput(new RegionInputStream(channel, 0, size), (int) size));
            } catch (InvalidProtocolBufferException e) {
                throw new FormatException(protobufProblem(e), e);
            }
            return new Model(FileNames.stem(path), FORMAT, path.toString(), walk.entries, walk.warnings())
                    .withDetails(FileDetails.NONE.withFacts(walk.facts()));
        }
    }

    private static String protobufProblem(InvalidProtocolBufferException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("truncated") || message.contains("ended unexpectedly")) {
            return "File ends in the middle of a protobuf field: it is truncated, or not ONNX.";
        }
        if (message.contains("malformed varint")) {
            return "File holds a malformed protobuf varint: it is corrupt, or not ONNX.";
        }
        return "File is not a valid protobuf message: it is corrupt, or not ONNX.";
    }

    /** Where a listed tensor came from, for messages. */
    private enum Kind {
        INITIALIZER("Initializer"), SPARSE_INITIALIZER("Sparse initializer"), CONSTANT("Constant");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** A SparseTensorProto: values = 1 (TensorProto, [NNZ], carries the name), indices = 2 (TensorProto), dims = 3. */
    private record Sparse(OnnxTensor values, OnnxTensor indices, OnnxTensor dense) {
    }

    /**
     * An AttributeProto, as far as Constant nodes need it: name = 1, f = 2, i = 3, s = 4, t = 5, g = 6,
     * floats = 7, ints = 8, strings = 9, tensors = 10, graphs = 11, ..., type = 20, sparse_tensor = 22.
     */
    private static final class Attribute {
        String name = "";
        long type;
        OnnxTensor t;
        Sparse sparse;
        long floats;
        long ints;
        long strings;
    }

    /** Subgraphs (attribute graphs of nodes) are read down to this depth; deeper is refused. */
    private static final int MAX_GRAPH_DEPTH = 64;

    /** One graph's listed tensors, by kind, in file order, and its subgraphs in node order. */
    private static final class Graph {
        final String path;
        final Graph parent;
        final List<TensorEntry> initializers = new ArrayList<>();
        final List<TensorEntry> sparse = new ArrayList<>();
        final List<TensorEntry> constants = new ArrayList<>();
        final List<Graph> children = new ArrayList<>();
        /**
         * Fingerprints of the names of this graph's tensors (listed ones, then left-out STRING ones), in the order
         * of {@link #names()}: a name is unique within its graph (SSA), checked once the graph is read.
         */
        long[] fingerprints = new long[16];
        int named;
        /** STRING tensors' subjects ({@code Initializer 's'}) and names: left out, but their names count. */
        final List<String> leftOutSubjects = new ArrayList<>();
        final List<String> leftOutNames = new ArrayList<>();
        int nodes;

        void fingerprint(long f) {
            if (named == fingerprints.length) {
                fingerprints = Arrays.copyOf(fingerprints, named * 2);
            }
            fingerprints[named++] = f;
        }

        /** @param path node names and attributes down from the main graph ({@code If_0.then_branch}); "" for it */
        Graph(String path, Graph parent) {
            this.path = path;
            this.parent = parent;
        }
    }

    /** One walk of a file: what it lists and what it leaves out. */
    private static final class Walk {
        Graph main;
        final Fingerprint fingerprint = Fingerprint.random();
        final List<TensorEntry> entries = new ArrayList<>();
        final OnnxFacts facts = new OnnxFacts();
        /** UTF-8 takes at most 3 bytes per UTF-16 char; capped where a raised limit would pass an int. */
        final int maxNameBytes = (int) Math.min(3L * Limits.current().getInt(Limit.TENSOR_NAME_CHARS),
                Integer.MAX_VALUE - 8);
        final Set<String> externalFiles = new LinkedHashSet<>();
        final List<String> stringTensors = new ArrayList<>();
        int listed;
        int stringCount;
        /** Scalar Constant outputs and integer or bool vectors (shapes, axes, indices, scalars): not listed. */
        int shapeConstants;
        int externalTensors;
        int sparseTensors;
        long sparseStored;
        int subgraphTensors;
        int renamed;
        boolean trainingInfo;

        void model(ProtoInput in) throws IOException {
            boolean irVersion = false;
            boolean graph = false;
            for (int tag = in.tag(); tag != 0; tag = in.tag()) {
                int field = ProtoInput.field(tag);
                int wire = ProtoInput.wireType(tag);
                if (field == MODEL_IR_VERSION && wire == 0) {
                    facts.irVersion(in.varint());
                    irVersion = true;
                } else if (field == MODEL_PRODUCER_NAME && wire == 2) {
                    facts.producerName(in);
                } else if (field == MODEL_PRODUCER_VERSION && wire == 2) {
                    facts.producerVersion(in);
                } else if (field == MODEL_OPSET_IMPORT && wire == 2) {
                    facts.opsetImport(in);
                } else if (field == MODEL_GRAPH && wire == 2) {
                    int old = in.enter("The model's graph");
                    main = main == null ? new Graph("", null) : main; // a second graph field merges into the first
                    graph(in, main, 0);
                    in.exit(old);
                    graph = true;
                } else if (field == MODEL_TRAINING_INFO && wire == 2) {
                    in.skipBytes("The model's training_info");
                    trainingInfo = true;
                } else {
                    in.skip(tag, "the ModelProto");
                }
            }
            if (!irVersion) {
                throw new FormatException("File has no ir_version (ModelProto field 1): it is not an ONNX model.");
            }
            if (!graph) {
                throw new FormatException("File has no graph (ModelProto field 7): it is not an ONNX model.");
            }
            checkNames(main);
            shapes.clear();
            if (main.children.isEmpty()) {
                // No subgraphs: the main graph's names are unique, so no renaming and no set of all names.
                entries.addAll(main.initializers);
                main.initializers.clear();
                entries.addAll(main.sparse);
                entries.addAll(main.constants);
                return;
            }
            List<TensorEntry> sparse = new ArrayList<>();
            List<TensorEntry> constants = new ArrayList<>();
            Set<String> taken = new HashSet<>();
            flatten(main, entries, sparse, constants, taken);
            entries.addAll(sparse);
            entries.addAll(constants);
        }

        /** Shapes seen so far, up to a few thousand: real models repeat a few shapes millions of times. */
        private final java.util.Map<Shape, Shape> shapes = new java.util.HashMap<>();

        private Shape shared(Shape shape) {
            Shape known = shapes.get(shape);
            if (known != null) {
                return known;
            }
            if (shapes.size() < 4096) {
                shapes.put(shape, shape);
            }
            return shape;
        }

        /**
         * Each graph's names unique within it: fingerprints sorted, and only names whose fingerprints match
         * compared as text, in listing order (initializers, sparse initializers, Constants, left-out strings).
         */
        private void checkNames(Graph g) {
            for (String name : g.leftOutNames) {
                g.fingerprint(fingerprint.of(name));
            }
            long[] sorted = Arrays.copyOf(g.fingerprints, g.named);
            Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i] == sorted[i - 1] && (i == 1 || sorted[i - 2] != sorted[i])) {
                    duplicate(g, sorted[i]);
                }
            }
            g.fingerprints = null;
            for (Graph child : g.children) {
                checkNames(child);
            }
        }

        private void duplicate(Graph g, long f) {
            Set<String> seen = new HashSet<>();
            List<List<TensorEntry>> lists = List.of(g.initializers, g.sparse, g.constants);
            List<Kind> kinds = List.of(Kind.INITIALIZER, Kind.SPARSE_INITIALIZER, Kind.CONSTANT);
            for (int k = 0; k < lists.size(); k++) {
                for (TensorEntry e : lists.get(k)) {
                    if (fingerprint.of(e.name()) == f && !seen.add(e.name())) {
                        throw duplicateName(g, OnnxTensor.subject(kinds.get(k).label, e.name()));
                    }
                }
            }
            for (int i = 0; i < g.leftOutNames.size(); i++) {
                String name = g.leftOutNames.get(i);
                if (fingerprint.of(name) == f && !seen.add(name)) {
                    throw duplicateName(g, g.leftOutSubjects.get(i));
                }
            }
        }

        private static FormatException duplicateName(Graph g, String subject) {
            return new FormatException(subject + " has the name of an earlier tensor"
                    + (g.path.isEmpty() ? "" : " of the subgraph " + Quote.of(g.path)) + ".");
        }

        /**
         * One graph's tensors, then its subgraphs' (in node order, depth first), each kind to its list. A name
         * is unique within its graph (checked as the graph is read); a subgraph tensor whose name an earlier
         * listed tensor of another graph has (sibling If branches may both hold a 'c') is named
         * {@code name@path}, the path of node names and attributes down to its graph.
         */
        private void flatten(Graph g, List<TensorEntry> initializers, List<TensorEntry> sparse,
                             List<TensorEntry> constants, Set<String> taken) {
            listAs(g, g.initializers, initializers, taken);
            listAs(g, g.sparse, sparse, taken);
            listAs(g, g.constants, constants, taken);
            for (Graph child : g.children) {
                flatten(child, initializers, sparse, constants, taken);
            }
        }

        private void listAs(Graph g, List<TensorEntry> from, List<TensorEntry> into, Set<String> taken) {
            for (TensorEntry e : from) {
                TensorEntry listed = e;
                if (!taken.add(e.name())) {
                    listed = new TensorEntry(e.name() + "@" + g.path, e.shape(), e.dtype(), e.role(), e.trainable(),
                            e.aliasOf());
                    if (!taken.add(listed.name())) {
                        throw new FormatException(OnnxTensor.subject("Tensor", e.name()) + " of the subgraph "
                                + Quote.of(g.path) + " cannot be named apart from an earlier tensor.");
                    }
                    renamed++;
                }
                into.add(listed);
            }
        }

        void graph(ProtoInput in, Graph g, int depth) throws IOException {
            for (int tag = in.tag(); tag != 0; tag = in.tag()) {
                int field = ProtoInput.field(tag);
                int wire = ProtoInput.wireType(tag);
                if (field == GRAPH_INITIALIZER && wire == 2) {
                    int old = in.enter("An initializer");
                    OnnxTensor t = new OnnxTensor();
                    t.read(in, maxNameBytes);
                    in.exit(old);
                    add(g, g.initializers, Kind.INITIALIZER, t.name, t.dims(), t.dataType, t);
                } else if (field == GRAPH_SPARSE_INITIALIZER && wire == 2) {
                    int old = in.enter("A sparse initializer");
                    Sparse s = sparse(in);
                    in.exit(old);
                    addSparse(g, g.sparse, Kind.SPARSE_INITIALIZER, s.values().name, s);
                } else if (field == GRAPH_NODE && wire == 2) {
                    int old = in.enter("A node");
                    node(in, g, depth);
                    in.exit(old);
                } else {
                    in.skip(tag, "the GraphProto");
                }
            }
        }

        Sparse sparse(ProtoInput in) throws IOException {
            Sparse s = new Sparse(new OnnxTensor(), new OnnxTensor(), new OnnxTensor());
            for (int tag = in.tag(); tag != 0; tag = in.tag()) {
                int field = ProtoInput.field(tag);
                int wire = ProtoInput.wireType(tag);
                if ((field == 1 || field == 2) && wire == 2) {
                    int old = in.enter(field == 1 ? "A sparse tensor's values" : "A sparse tensor's indices");
                    (field == 1 ? s.values() : s.indices()).read(in, maxNameBytes);
                    in.exit(old);
                } else if (field == 3 && wire == 0) {
                    s.dense().addDim(in.varint());
                } else if (field == 3 && wire == 2) {
                    int old = in.enter("A sparse tensor's packed dims");
                    while (!in.atEnd()) {
                        s.dense().addDim(in.varint());
                    }
                    in.exit(old);
                } else {
                    in.skip(tag, "a SparseTensorProto");
                }
            }
            return s;
        }

        /**
         * NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, doc_string = 6, domain = 7.
         * A Constant (domain "" or "ai.onnx") lists its output[0] with exactly one value attribute: value (TENSOR),
         * sparse_value (SPARSE_TENSOR), value_float / value_int (scalars), value_floats / value_ints (1-d),
         * value_string / value_strings (strings: left out).
         */
        void node(ProtoInput in, Graph g, int depth) throws IOException {
            String output = null;
            String opType = "";
            String domain = "";
            String nodeName = null;
            Attribute value = null;
            List<String> valueNames = new ArrayList<>();
            int index = g.nodes++;
            for (int tag = in.tag(); tag != 0; tag = in.tag()) {
                int field = ProtoInput.field(tag);
                int wire = ProtoInput.wireType(tag);
                if (field == 2 && wire == 2 && output == null) {
                    output = in.string("A node output name", maxNameBytes);
                } else if (field == 3 && wire == 2) {
                    nodeName = in.shortString("A node name", maxNameBytes);
                } else if (field == 4 && wire == 2) {
                    opType = in.shortString("A node's op_type", 16);
                } else if (field == 7 && wire == 2) {
                    domain = in.shortString("A node's domain", 16);
                } else if (field == 5 && wire == 2) {
                    int old = in.enter("A node attribute");
                    String node = nodeName != null && !nodeName.isEmpty() ? nodeName
                            : (opType == null || opType.isEmpty() ? "node" : opType) + "#" + index;
                    Attribute a = attribute(in, g, node, depth);
                    in.exit(old);
                    if (a.name.equals("value") || a.name.equals("sparse_value") || a.name.startsWith("value_")) {
                        if (valueNames.size() < 8) {
                            valueNames.add(a.name);
                        }
                        value = value == null ? a : value;
                    }
                } else {
                    in.skip(tag, "a NodeProto");
                }
            }
            if (!"Constant".equals(opType) || !("".equals(domain) || "ai.onnx".equals(domain))) {
                return;
            }
            if (output == null) {
                throw new FormatException("A Constant node has no output.");
            }
            String subject = OnnxTensor.subject(Kind.CONSTANT.label, output);
            if (value == null) {
                throw new FormatException(subject + " has no value attribute.");
            }
            if (valueNames.size() > 1) {
                throw new FormatException(subject + " has several value attributes ("
                        + valueNames.stream().map(Quote::of).collect(Collectors.joining(", "))
                        + "); ONNX allows exactly one.");
            }
            constant(g, output, subject, value);
        }

        private void constant(Graph g, String output, String subject, Attribute a) {
            List<TensorEntry> constantEntries = g.constants;
            // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8, SPARSE_TENSOR 11.
            long expectedType = switch (a.name) {
                case "value" -> 4;
                case "sparse_value" -> 11;
                case "value_float" -> 1;
                case "value_int" -> 2;
                case "value_string" -> 3;
                case "value_floats" -> 6;
                case "value_ints" -> 7;
                case "value_strings" -> 8;
                default -> throw new FormatException(subject + " has the unknown value attribute " + Quote.of(a.name)
                        + ".");
            };
            if (a.type != expectedType) {
                throw new FormatException(subject + " has the attribute " + Quote.of(a.name) + " of type '" + a.type
                        + "' instead of '" + expectedType + "'.");
            }
            switch (a.name) {
                case "value" -> {
                    OnnxTensor t = a.t == null ? new OnnxTensor() : a.t;
                    add(g, constantEntries, Kind.CONSTANT, output, t.dims(), t.dataType, t);
                }
                case "sparse_value" -> addSparse(g, constantEntries, Kind.CONSTANT, output,
                        a.sparse == null ? new Sparse(new OnnxTensor(), new OnnxTensor(), new OnnxTensor()) : a.sparse);
                case "value_float" -> add(g, constantEntries, Kind.CONSTANT, output, new long[0], 1, null);
                case "value_int" -> add(g, constantEntries, Kind.CONSTANT, output, new long[0], 7, null);
                case "value_floats" -> add(g, constantEntries, Kind.CONSTANT, output, new long[] {a.floats}, 1, null);
                case "value_ints" -> add(g, constantEntries, Kind.CONSTANT, output, new long[] {a.ints}, 7, null);
                default -> add(g, constantEntries, Kind.CONSTANT, output, new long[] {a.strings}, 8, null);
            }
        }

        Attribute attribute(ProtoInput in, Graph g, String node, int depth) throws IOException {
            Attribute a = new Attribute();
            int graphs = 0;
            for (int tag = in.tag(); tag != 0; tag = in.tag()) {
                int field = ProtoInput.field(tag);
                int wire = ProtoInput.wireType(tag);
                if (field == 1 && wire == 2) {
                    String name = in.shortString("An attribute name", 32);
                    a.name = name == null ? "" : name;
                } else if (field == 20 && wire == 0) {
                    a.type = (int) in.varint();
                } else if (field == 5 && wire == 2) {
                    int old = in.enter("An attribute's tensor");
                    a.t = a.t == null ? new OnnxTensor() : a.t;
                    a.t.read(in, maxNameBytes);
                    in.exit(old);
                } else if (field == 22 && wire == 2) {
                    int old = in.enter("An attribute's sparse tensor");
                    a.sparse = sparse(in); // a second one replaces the first: a rare merge left undone
                    in.exit(old);
                } else if (field == 7 && wire == 5) {
                    in.skip(tag, "an AttributeProto");
                    a.floats++;
                } else if (field == 7 && wire == 2) {
                    int n = in.skipBytes("An attribute's packed floats");
                    if (n % 4 != 0) {
                        throw new FormatException("An attribute's packed floats are '" + n
                                + "' bytes, not a multiple of 4.");
                    }
                    a.floats += n / 4;
                } else if (field == 8 && wire == 0) {
                    in.varint();
                    a.ints++;
                } else if (field == 8 && wire == 2) {
                    int old = in.enter("An attribute's packed ints");
                    while (!in.atEnd()) {
                        in.varint();
                        a.ints++;
                    }
                    in.exit(old);
                } else if (field == 9 && wire == 2) {
                    in.skipBytes("An attribute string");
                    a.strings++;
                } else if ((field == 6 || field == 11) && wire == 2) {
                    // g (If's then_branch, Loop's and Scan's body) or graphs: a subgraph, read as the main graph is
                    if (depth + 1 > MAX_GRAPH_DEPTH) {
                        throw new FormatException("Subgraphs nest more than '" + MAX_GRAPH_DEPTH + "' deep (at "
                                + Quote.of(g.path.isEmpty() ? node : g.path + "/" + node) + "); real models nest a "
                                + "few.");
                    }
                    String attr = a.name.isEmpty() ? "graph" : a.name;
                    String at = node + "." + attr + (field == 11 ? "[" + graphs++ + "]" : "");
                    Graph child = new Graph(g.path.isEmpty() ? at : g.path + "/" + at, g);
                    int old = in.enter("An attribute's graph");
                    graph(in, child, depth + 1);
                    in.exit(old);
                    g.children.add(child);
                } else {
                    in.skip(tag, "an AttributeProto");
                }
            }
            return a;
        }

        private void addSparse(Graph g, List<TensorEntry> into, Kind kind, String name, Sparse s) {
            String subject = OnnxTensor.subject(kind.label, name);
            // The values and indices are tensors of their own: each checked against its own dims and type.
            long stored = checkedBytes(subject + " values", s.values().dims(), s.values().dataType, s.values()) < 0
                    ? 0 : Shape.of(s.values().dims()).numel();
            checkedBytes(subject + " indices", s.indices().dims(), s.indices().dataType, s.indices());
            if (add(g, into, kind, name, s.dense().dims(), s.values().dataType, null)) {
                sparseTensors++;
                try {
                    sparseStored = Math.addExact(sparseStored, stored);
                } catch (ArithmeticException e) {
                    throw new FormatException("The sparse tensors store more than 2^63 - 1 values together ("
                            + subject + " brings the count past it).", e);
                }
            }
        }

        /** Lists one tensor; false when it was left out (a STRING tensor). */
        private boolean add(Graph g, List<TensorEntry> into, Kind kind, String name, long[] dims, long dataType,
                            OnnxTensor data) {
            String subject = OnnxTensor.subject(kind.label, name);
            long bytes = checkedBytes(subject, dims, dataType, data);
            if (listed == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Model lists more than '" + Limits.current().getInt(Limit.TENSORS)
                        + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
            }
            listed++;
            if (g.parent != null) {
                subgraphTensors++;
            }
            if (bytes < 0) {
                stringCount++;
                if (stringTensors.size() < 100) {
                    stringTensors.add(name);
                }
                g.leftOutSubjects.add(subject);
                g.leftOutNames.add(name);
                return false;
            }
            DType dtype = OnnxDataType.of(dataType).flatMap(OnnxDataType::dtype).orElseThrow();
            if (kind == Kind.CONSTANT && (dims.length == 0 || dims.length == 1 && dtype.isIntegerOrBool())) {
                // a shape, axis or index argument or an arithmetic scalar, not a weight: counted in a fact, its
                // name still unique
                shapeConstants++;
                g.leftOutSubjects.add(subject);
                g.leftOutNames.add(name);
                return false;
            }
            g.fingerprint(fingerprint.of(name));
            Shape shape = shared(Shape.of(dims));
            into.add(StateDictRoles.classify(name, dtype) == Role.PARAMETER
                    ? TensorEntry.parameter(name, shape, dtype, true)
                    : TensorEntry.buffer(name, shape, dtype));
            return true;
        }

        /**
         * The tensor's size in bytes from its dims and type, checked against its raw_data or external length
         * when {@code data} is given; -1 for a STRING tensor, whose size no header states.
         */
        private long checkedBytes(String subject, long[] dims, long dataType, OnnxTensor data) {
            OnnxDataType type = OnnxDataType.of(dataType).orElseThrow(() -> new FormatException(subject
                    + " has the data type '" + dataType + "', which ONNX does not define."));
            if (type == OnnxDataType.UNDEFINED) {
                throw new FormatException(subject + " has the data type UNDEFINED ('0').");
            }
            for (long d : dims) {
                if (d < 0) {
                    throw new FormatException(subject + " has the negative dim '" + d + "'.");
                }
            }
            Shape shape = Shape.of(dims);
            if (type.dtype().isEmpty()) {
                return -1;
            }
            long bytes;
            try {
                bytes = type.dtype().get().bytesFor(shape.numel());
            } catch (ArithmeticException e) {
                throw new FormatException(subject + " has the shape " + shape.toPythonTuple() + " of " + type
                        + ", whose size in bytes overflows.");
            }
            if (data == null) {
                return bytes;
            }
            String needs = "its shape " + shape.toPythonTuple() + " of " + type + " needs '" + bytes + "'.";
            if (data.dataLocation == OnnxTensor.DATA_LOCATION_EXTERNAL) {
                external(subject, data, bytes, needs);
            } else if (data.dataLocation != 0) {
                throw new FormatException(subject + " has the data_location '" + data.dataLocation
                        + "', neither DEFAULT ('0') nor EXTERNAL ('1').");
            } else if (data.rawDataBytes >= 0 && data.rawDataBytes != bytes) {
                throw new FormatException(subject + " has '" + data.rawDataBytes + "' bytes of raw_data, but "
                        + needs);
            }
            return bytes;
        }

        /** external_data: location (relative, inside the model's directory), offset and length (decimal). */
        private void external(String subject, OnnxTensor t, long bytes, String needs) {
            String location = t.location;
            if (location == null || location.isEmpty()) {
                throw new FormatException(subject + " has data_location EXTERNAL but no external_data 'location'.");
            }
            if (SiblingFiles.escapes(location)) {
                throw new FormatException(subject + " has the external data location " + Quote.of(location)
                        + ", which is not a relative path inside the model's directory.");
            }
            long offset = decimal(subject, "offset", t.offset);
            long length = decimal(subject, "length", t.length);
            if (t.length != null && length != bytes) {
                throw new FormatException(subject + " has an external data length of '" + length + "' bytes, but "
                        + needs);
            }
            try {
                Math.addExact(offset, bytes);
            } catch (ArithmeticException e) {
                throw new FormatException(subject + " has external data at offset '" + offset
                        + "' whose end overflows.");
            }
            externalTensors++;
            if (externalFiles.size() < 3) {
                externalFiles.add(location);
            }
        }

        private static long decimal(String subject, String key, String value) {
            if (value == null) {
                return 0;
            }
            if (!DECIMAL.matcher(value).matches()) {
                throw new FormatException(subject + " has the external data " + key + " " + Quote.of(value)
                        + ", which is not a decimal integer from 0 to 18 digits long.");
            }
            return Long.parseLong(value);
        }

        /** The header facts, then how many Constant-node arguments were not listed, when any were. */
        List<Fact> facts() {
            List<Fact> all = new ArrayList<>(facts.facts());
            if (shapeConstants > 0) {
                all.add(new Fact("Constant nodes", shapeConstants + (shapeConstants == 1 ? " argument" : " arguments")
                        + " not listed (scalars and integer vectors: shapes, axes, indices, arithmetic constants); "
                        + "weights are initializers"));
            }
            return all;
        }

        List<String> warnings() {
            List<String> warnings = new ArrayList<>();
            if (!stringTensors.isEmpty()) {
                int total = stringCount;
                warnings.add("Left out " + total + " STRING tensor" + (total == 1 ? "" : "s") + " ("
                        + stringTensors.stream().limit(5).map(Quote::of).collect(Collectors.joining(", "))
                        + (total > 5 ? ", ..." : "") + "): strings are no weights, and no header states their size.");
            }
            if (externalTensors > 0) {
                warnings.add(externalTensors + " tensor" + (externalTensors == 1 ? " keeps its" : "s keep their")
                        + " data in external files (" + externalFiles.stream().map(Quote::of)
                        .collect(Collectors.joining(", ")) + (externalFiles.size() == 3 ? ", ..." : "")
                        + "), which were not opened: sizes come from the shapes.");
            }
            if (sparseTensors > 0) {
                warnings.add(sparseTensors + " sparse tensor" + (sparseTensors == 1 ? " is" : "s are")
                        + " listed with the dense shape; " + (sparseTensors == 1 ? "it stores" : "they store")
                        + " '" + sparseStored
                        + "' values (and their indices).");
            }
            if (subgraphTensors > 0) {
                warnings.add(subgraphTensors + " tensor" + (subgraphTensors == 1 ? " is" : "s are") + " in subgraphs "
                        + "(If/Loop/Scan bodies), listed after the main graph's of each kind"
                        + (renamed == 0 ? "" : "; " + renamed + " whose name" + (renamed == 1 ? "" : "s")
                        + " an earlier tensor of another graph has " + (renamed == 1 ? "is" : "are")
                        + " named 'name@<node>.<attribute>'") + ".");
            }
            if (trainingInfo) {
                warnings.add("The model's training_info graphs were not read: only the main graph's tensors are "
                        + "listed.");
            }
            return warnings;
        }
    }
}
