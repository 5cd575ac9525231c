package dev.modelsummary.format.pytorch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.ChannelWindow;
import dev.modelsummary.format.io.Channels;
import dev.modelsummary.format.json.StrictJson;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PT2 archive ({@code torch.export.save}, torch 2.x's {@code torch/export/pt2_archive/_package.py}): a ZIP
 * written by PyTorchFileWriter (records stored, under one root folder) holding, for each exported program
 * {@code <m>} (torch.export.save names its one program {@code model}):
 *
 * <ul>
 *   <li>{@code models/<m>.json}, the serialized graph;</li>
 *   <li>{@code data/weights/<m>_weights_config.json}: {@code {"config": {fqn: PayloadMeta}}} for
 *       ExportedProgram.state_dict, each PayloadMeta {@code {path_name, is_param, use_pickle, tensor_meta}} with
 *       tensor_meta the serialized TensorMeta (ScalarType dtype, sizes, strides, storage_offset as
 *       {@code {"as_int": n}}), and the raw storage bytes in {@code data/weights/<path_name>};</li>
 *   <li>{@code data/constants/<m>_constants_config.json} and {@code data/constants/...}: the same for
 *       ExportedProgram.constants (non-persistent buffers, lifted tensor constants, custom objects);</li>
 *   <li>{@code data/sample_inputs/<m>.pt}, a torch.save of the example inputs; {@code archive_format} "pt2".</li>
 * </ul>
 *
 * <p>Listed: the state dict (parameters by {@code is_param}, which is {@code isinstance(t, nn.Parameter)}; the rest
 * buffers), then the tensor constants as buffers, names as ExportedProgram.state_dict and .constants give them, in
 * the configs' order, which is the order torch.export.load gives back (package_pt2 writes pickled payloads first, then
 * one raw record per storage and dtype with the entries sharing it together). A constant's kind is its record's
 * prefix, as the loader tells it: {@code tensor_} listed, {@code custom_obj_} (TorchScript objects) and
 * {@code opaque_obj_} (pickled Python objects) named in a warning. An empty raw record (torch writes none for a meta
 * or fake tensor) is the zeros the loader makes of its first entry's shape, named in a warning.
 * Read: the directory, the two configs and any pickle a loader would unpickle (payloads with {@code use_pickle},
 * the sample inputs), each scanned; never a raw payload. The older PT2 layout, which torch's loader still reads
 * ({@code data/weights/<m>.pt} and {@code data/constants/<m>.pt}, each one torch.save of the whole dict), is
 * read as torch.save files (parameters are the nn.Parameters). Refused with a line naming the layout:
 * torch.export.save archives of the format before PT2
 * ({@code serialized_exported_program.json}, {@code serialized_state_dict.pt}), and AOTInductor packages
 * (compiled code, no exported program).
 */
public final class Pt2Reader implements WeightReader {
    public static final String FORMAT = "pt2";
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final Pattern FIRST_RECORD = Pattern.compile(
            "[^/]+/(archive_format|archive_version|models/[^/]+\\.json|data/(weights|constants|sample_inputs)/.+)");
    private static final Pattern MODEL = Pattern.compile("models/([^/]+)\\.json");
    private static final String ARCHIVE_VERSION = "0";
    /** torch/_export/serde/schema.py ScalarType, by value. */
    private static final Map<Integer, String> SCALAR_TYPES = Map.ofEntries(
            Map.entry(1, "uint8"), Map.entry(2, "int8"), Map.entry(3, "int16"), Map.entry(4, "int32"),
            Map.entry(5, "int64"), Map.entry(6, "float16"), Map.entry(7, "float32"), Map.entry(8, "float64"),
            Map.entry(9, "complex32"), Map.entry(10, "complex64"), Map.entry(11, "complex128"),
            Map.entry(12, "bool"), Map.entry(13, "bfloat16"), Map.entry(28, "uint16"),
            Map.entry(29, "float8_e4m3fn"), Map.entry(30, "float8_e5m2"), Map.entry(31, "float8_e4m3fnuz"),
            Map.entry(32, "float8_e5m2fnuz"));
    private static final int STRIDED = 7;
    /** torch/csrc/export/pt2_archive_constants.h: the record prefixes that tell torch.export.load a constant's kind. */
    private static final String TENSOR_CONSTANT = "tensor_";
    private static final String CUSTOM_OBJ = "custom_obj_";
    private static final String OPAQUE_OBJ = "opaque_obj_";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".pt2");
    }

    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length < 30 || !Arrays.equals(head, 0, 4, ZIP_MAGIC, 0, 4)) {
            return false;
        }
        int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
        return head.length >= 30 + nameLength
                && FIRST_RECORD.matcher(new String(head, 30, nameLength, StandardCharsets.UTF_8)).matches();
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(path)) {
            byte[] head = Channels.readUpTo(channel, 0, 4);
            if (!Arrays.equals(head, ZIP_MAGIC)) {
                throw new FormatException("File is not a ZIP archive, so it is not a PT2 archive (torch.export.save).");
            }
            ZipDirectory directory = ZipDirectory.read(channel);
            if (directory.entries().isEmpty()) {
                throw new FormatException("ZIP archive is empty, so it is not a PT2 archive.");
            }
            return new Archive(channel, directory).read(path);
        }
    }

    /** One payload config entry: a state-dict or constants FQN and where its bytes are. */
    private record Payload(String fqn, String pathName, boolean isParam, boolean usePickle, DType dtype,
                           long[] sizes, long[] strides, long storageOffset, boolean requiresGrad, boolean hasMeta) {
    }

    private static final class Archive {
        private final SeekableByteChannel channel;
        private final ZipDirectory directory;
        private final String root;
        private final PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD);
        private final List<String> warnings = new ArrayList<>();
        private final int maxNameChars = Limits.current().getInt(Limit.TENSOR_NAME_CHARS);
        /** Empty raw records (meta or fake tensors): the bytes of the zeros torch.export.load makes for them. */
        private final Map<String, Long> zeroFilled = new LinkedHashMap<>();
        private final List<String> zeroNames = new ArrayList<>();
        /** Raw records whose first entry requires grad: torch.export.load makes the whole record require grad. */
        private final Map<String, Boolean> gradRecords = new LinkedHashMap<>();
        private final List<String> gradBuffers = new ArrayList<>();

        Archive(SeekableByteChannel channel, ZipDirectory directory) {
            this.channel = channel;
            this.directory = directory;
            String first = directory.entries().get(0).name();
            int slash = first.indexOf('/');
            this.root = slash <= 0 ? "" : first.substring(0, slash + 1);
        }

        Model read(Path path) throws IOException {
            String format = smallText("archive_format");
            if (!"pt2".equals(format)) {
                throw refuseOtherLayout(format);
            }
            String version = smallText("archive_version");
            if (version != null && !version.equals(ARCHIVE_VERSION)) {
                warnings.add("PT2 archive_version is " + Quote.of(version) + "; this reader follows version "
                        + ARCHIVE_VERSION + " of the layout.");
            }
            List<String> models = new ArrayList<>();
            for (ZipDirectory.Entry e : directory.entries()) {
                if (e.name().startsWith(root)) {
                    Matcher m = MODEL.matcher(e.name().substring(root.length()));
                    if (m.matches()) {
                        models.add(m.group(1));
                    }
                }
            }
            if (models.isEmpty()) {
                boolean aoti = directory.entries().stream()
                        .anyMatch(e -> e.name().startsWith(root + "data/aotinductor/"));
                throw new FormatException(aoti
                        ? "PT2 archive is an AOTInductor package (compiled code under data/aotinductor/) with no "
                                + "exported program (models/*.json); only torch.export.save archives are read."
                        : "PT2 archive holds no exported program (no models/<name>.json record).");
            }
            List<TensorEntry> entries = new ArrayList<>();
            Map<String, String> firstByView = new LinkedHashMap<>();
            int constants = 0;
            List<String> customObjects = new ArrayList<>();
            Map<String, DType> recordDtypes = new LinkedHashMap<>();
            List<Boolean> layouts = new ArrayList<>();
            for (String model : models) {
                String prefix = models.size() == 1 ? "" : model + ".";
                ZipDirectory.Entry legacyWeights = legacyOnly("data/weights/", model + "_weights_config.json",
                        model + ".pt");
                if (legacyWeights != null) {
                    entries.addAll(legacy(legacyWeights, prefix, false));
                } else {
                    for (Payload p : payloads("data/weights/", model + "_weights_config.json", model)) {
                        entries.add(entry(prefix, p, "data/weights/", false, firstByView, recordDtypes));
                    }
                }
                ZipDirectory.Entry legacyConstants = legacyOnly("data/constants/",
                        model + "_constants_config.json", model + ".pt");
                if (legacyConstants != null) {
                    List<TensorEntry> found = legacy(legacyConstants, prefix, true);
                    entries.addAll(found);
                    constants += found.size();
                } else {
                    for (Payload p : payloads("data/constants/", model + "_constants_config.json", model)) {
                        // torch.export.load tells a constant's kind by its record's prefix, as it was written
                        if (p.pathName().startsWith(CUSTOM_OBJ) || p.pathName().startsWith(OPAQUE_OBJ)) {
                            customObjects.add(prefix + p.fqn());
                            continue;
                        }
                        if (!p.pathName().startsWith(TENSOR_CONSTANT)) {
                            throw new FormatException("PT2 constant " + Quote.of(p.fqn()) + " is stored in "
                                    + Quote.of(p.pathName()) + ", neither a tensor_, custom_obj_ nor opaque_obj_ "
                                    + "record; torch.export.load refuses it.");
                        }
                        if (!p.hasMeta()) {
                            throw new FormatException("PT2 tensor constant " + Quote.of(p.fqn()) + " has no "
                                    + "tensor_meta; its shape is only in its pickle, which is not read.");
                        }
                        entries.add(entry(prefix, p, "data/constants/", true, firstByView, recordDtypes));
                        constants++;
                    }
                }
                layouts.add(legacyWeights != null || legacyConstants != null);
                ZipDirectory.Entry sample = directory.find(root + "data/sample_inputs/" + model + ".pt").orElse(null);
                if (sample != null) {
                    scanPickled(sample);
                }
                if (entries.size() > Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("PT2 archive lists more than " + Limits.current().getInt(Limit.TENSORS)
                            + " tensors, the limit (" + Limit.TENSORS.raise() + ").");
                }
            }
            List<Fact> facts = new ArrayList<>();
            facts.add(new Fact("PT2 archive", "torch.export program" + (models.size() == 1 ? " " : "s ")
                    + String.join(", ", models.stream().map(Quote::of).toList()) + ", archive version "
                    + (version == null ? "0 (no record)" : Quote.of(version))
                    + (layouts.contains(true) ? ", older layout (whole-dict torch.save records)" : "")));
            List<String> notes = new ArrayList<>();
            if (constants > 0) {
                facts.add(new Fact("constants", Counts.tensors(constants)));
                notes.add("ExportedProgram.constants (non-persistent buffers and lifted tensor constants) are listed "
                        + "as buffers after its state_dict.");
            }
            if (!customObjects.isEmpty()) {
                warnings.add("ExportedProgram.constants also holds " + customObjects.size()
                        + (customObjects.size() == 1 ? " object that is not a tensor" : " objects that are not tensors")
                        + " (TorchScript or opaque objects), not listed: " + names(customObjects) + ".");
                facts.add(new Fact("custom objects", customObjects.size() + " (TorchScript or opaque objects among "
                        + "the constants; not listed)"));
            }
            if (!zeroNames.isEmpty()) {
                warnings.add(zeroNames.size() + " tensor" + (zeroNames.size() == 1 ? " has" : "s have")
                        + " no stored bytes (torch writes none for a meta or fake tensor; torch.export.load "
                        + "fills them with zeros): " + names(zeroNames) + ".");
            }
            if (!gradBuffers.isEmpty()) {
                warnings.add(gradBuffers.size() + " buffer" + (gradBuffers.size() == 1 ? "" : "s")
                        + " or constant" + (gradBuffers.size() == 1 ? "" : "s") + " that torch.export.load gives "
                        + "back with requires_grad=True (listed as buffers, which are never counted trainable): "
                        + names(gradBuffers) + ".");
            }
            String leftOut = scan.leftOutWarning();
            if (leftOut != null) {
                warnings.add(leftOut);
            }
            FileDetails details = FileDetails.NONE.withFacts(facts).withNotes(notes);
            if (!scan.isEmpty()) {
                details = details.withPickle(scan.build());
            }
            return new Model(FileNames.stem(path), FORMAT, path.toString(), entries, warnings).withDetails(details);
        }

        private static String names(List<String> names) {
            List<String> shown = names.stream().limit(5).map(Quote::of).toList();
            return String.join(", ", shown) + (names.size() > shown.size()
                    ? " and " + (names.size() - shown.size()) + " more" : "");
        }

        /** The small text record {@code root + name}, or null when the archive has none. */
        private String smallText(String name) throws IOException {
            ZipDirectory.Entry e = directory.find(root + name).orElse(null);
            if (e == null) {
                return null;
            }
            if (e.size() > 64) {
                throw new FormatException("PT2 record " + Quote.of(e.name()) + " is " + e.size()
                        + " bytes; it holds a short word.");
            }
            try (InputStream in = directory.open(channel, e)) {
                return new String(in.readNBytes((int) e.size()), StandardCharsets.UTF_8).strip();
            }
        }

        private FormatException refuseOtherLayout(String format) {
            boolean legacy = directory.entries().stream().anyMatch(e -> e.name().endsWith(
                    "serialized_exported_program.json") || e.name().endsWith("serialized_state_dict.pt"));
            if (legacy) {
                return new FormatException("File is a torch.export.save archive of the format before the PT2 "
                        + "archive (serialized_exported_program.json, serialized_state_dict.pt); only PT2 archives "
                        + "(archive_format 'pt2') are read.");
            }
            return new FormatException(format == null
                    ? "ZIP archive has no " + Quote.of(root + "archive_format") + " record, so it is not a PT2 "
                            + "archive (torch.export.save)."
                    : "ZIP archive's archive_format is " + Quote.of(format) + ", not 'pt2'.");
        }

        /**
         * The older layout's record ({@code data/weights/<m>.pt}: one torch.save of the whole dict), or null when the
         * archive has none. torch.export.load looks for it first and reads it even when a payload config is there too.
         */
        private ZipDirectory.Entry legacyOnly(String folder, String config, String legacy) {
            ZipDirectory.Entry found = directory.find(root + folder + legacy).orElse(null);
            if (found != null && directory.find(root + folder + config).isPresent()) {
                warnings.add("PT2 archive holds both " + Quote.of(folder + legacy) + " and " + Quote.of(folder + config)
                        + "; listed from the first, as torch.export.load reads it.");
            }
            return found;
        }

        /**
         * The tensors of an older-layout record, a torch.save of ExportedProgram.state_dict (its parameters
         * nn.Parameters, its buffers plain tensors) or of .constants (listed as buffers); read as a torch.save
         * file, its pickle scanned.
         */
        private List<TensorEntry> legacy(ZipDirectory.Entry record, String prefix, boolean constant)
                throws IOException {
            Unpickled unpickled = unpickleStored(record);
            scan.merge(unpickled.scan(), record.name());
            unpickled.warnings().forEach(w -> warnings.add(record.name() + ": " + w));
            NameBudget names = new NameBudget(unpickled.valuesSpent());
            TensorWalk.Result result = TensorWalk.find(unpickled.root(), null, names);
            result.warnings().forEach(w -> warnings.add(record.name() + ": " + w));
            TorchReader.TiedWeights tied = new TorchReader.TiedWeights();
            List<TensorEntry> found = new ArrayList<>();
            for (TensorWalk.Found f : result.tensors()) {
                String name = prefix + f.name();
                TorchTensor t = f.tensor();
                TorchReader.checkExtent(name, t);
                TensorEntry entry = t.parameter() && !constant
                        ? TensorEntry.parameter(name, t.shape(), t.dtype(), t.requiresGrad())
                        : TensorEntry.buffer(name, t.shape(), t.dtype());
                String first = tied.firstNameOf(t, name);
                found.add(first == null ? entry : entry.withAliasOf(first));
            }
            return found;
        }

        /** A stored torch.save record, read as a torch.save file of its own. */
        private Unpickled unpickleStored(ZipDirectory.Entry record) throws IOException {
            if (record.method() != ZipDirectory.STORED) {
                throw new FormatException("PT2 record " + Quote.of(record.name()) + " is compressed, which "
                        + "PyTorchFileWriter never does.");
            }
            SeekableByteChannel region = new ChannelWindow(channel, directory.dataOffset(channel, record),
                    record.size());
            try {
                return TorchZip.read(region);
            } catch (FormatException e) {
                throw new FormatException("PT2 record " + Quote.of(record.name()) + ": " + e.getMessage());
            }
        }

        private List<Payload> payloads(String folder, String config, String model) throws IOException {
            ZipDirectory.Entry e = directory.find(root + folder + config).orElse(null);
            if (e == null) {
                throw new FormatException("PT2 archive has no " + Quote.of(folder + config) + " for program "
                        + Quote.of(model) + ".");
            }
            long limit = Limits.current().get(Limit.INDEX_JSON_BYTES);
            if (e.size() > limit) {
                throw new FormatException("PT2 record " + Quote.of(e.name()) + " is " + e.size() + " bytes, over the "
                        + "limit of " + limit + " (" + Limit.INDEX_JSON_BYTES.raise() + ").");
            }
            String what = "PT2 " + folder + config;
            List<Payload> payloads;
            try (InputStream in = new BufferedInputStream(directory.open(channel, e), 1 << 16)) {
                payloads = StrictJson.read(in, e.size(), what, 0, what + " ended early.", this::config);
            }
            for (Payload p : payloads) {
                if (p.usePickle()) {
                    ZipDirectory.Entry blob = record(folder, p);
                    scanPickled(blob);
                }
            }
            return payloads;
        }

        private List<Payload> config(JsonParser p) throws IOException {
            p.nextToken();
            List<Payload> payloads = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("config") && p.currentToken() == JsonToken.START_OBJECT) {
                    payloads = new ArrayList<>();
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String fqn = StrictJson.wellFormed(p.currentName(), "PT2 config has the name");
                        if (!seen.add(fqn)) {
                            // json.loads would keep one entry, at the first place, with the last value
                            throw new FormatException("PT2 config names " + Quote.of(fqn) + " twice.");
                        }
                        if (fqn.length() > maxNameChars) {
                            throw new FormatException("Tensor " + Quote.of(fqn) + " has a name longer than "
                                    + maxNameChars + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
                        }
                        if (payloads.size() >= Limits.current().getInt(Limit.TENSORS)) {
                            throw new FormatException("PT2 config lists more than "
                                    + Limits.current().getInt(Limit.TENSORS) + " entries, the limit ("
                                    + Limit.TENSORS.raise() + ").");
                        }
                        p.nextToken();
                        payloads.add(payload(fqn, p));
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (payloads == null) {
                throw new FormatException("PT2 payload config has no 'config' object.");
            }
            return payloads;
        }

        private Payload payload(String fqn, JsonParser p) throws IOException {
            expect(p, JsonToken.START_OBJECT, fqn, "an object");
            String pathName = null;
            boolean isParam = false;
            boolean usePickle = false;
            Meta meta = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "path_name" -> {
                        expect(p, JsonToken.VALUE_STRING, fqn, "a path_name string");
                        pathName = p.getText();
                    }
                    case "is_param" -> isParam = bool(p, fqn, key);
                    case "use_pickle" -> usePickle = bool(p, fqn, key);
                    case "tensor_meta" -> meta = value == JsonToken.VALUE_NULL ? null : meta(fqn, p);
                    default -> p.skipChildren();
                }
            }
            if (pathName == null || pathName.isEmpty() || pathName.contains("/") || pathName.contains("\\")
                    || pathName.equals("..") || pathName.equals(".")) {
                throw new FormatException("PT2 entry " + Quote.of(fqn) + " has no plain path_name "
                        + "(a record name in its folder).");
            }
            if (meta == null) {
                if (!usePickle) {
                    throw new FormatException("PT2 entry " + Quote.of(fqn) + " has no tensor_meta and is not pickled.");
                }
                return new Payload(fqn, pathName, isParam, true, null, null, null, 0, false, false);
            }
            return new Payload(fqn, pathName, isParam, usePickle, meta.dtype, meta.sizes, meta.strides,
                    meta.storageOffset, meta.requiresGrad, true);
        }

        private record Meta(DType dtype, long[] sizes, long[] strides, long storageOffset, boolean requiresGrad) {
        }

        private Meta meta(String fqn, JsonParser p) throws IOException {
            expect(p, JsonToken.START_OBJECT, fqn, "a tensor_meta object");
            DType dtype = null;
            long[] sizes = null;
            long[] strides = null;
            long offset = 0;
            boolean requiresGrad = false;
            int layout = STRIDED;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                switch (key) {
                    case "dtype" -> {
                        expect(p, JsonToken.VALUE_NUMBER_INT, fqn, "an integer dtype");
                        int code = p.getIntValue();
                        String name = SCALAR_TYPES.get(code);
                        dtype = name == null ? null : DType.byTorchName(name).orElse(null);
                        if (dtype == null) {
                            throw new FormatException("Tensor " + Quote.of(fqn) + " has ScalarType " + code
                                    + ", which this reader does not know.");
                        }
                    }
                    case "sizes" -> sizes = symInts(fqn, p, "sizes");
                    case "strides" -> strides = symInts(fqn, p, "strides");
                    case "storage_offset" -> offset = symInt(fqn, p, "storage_offset");
                    case "requires_grad" -> requiresGrad = bool(p, fqn, key);
                    case "layout" -> {
                        expect(p, JsonToken.VALUE_NUMBER_INT, fqn, "an integer layout");
                        layout = p.getIntValue();
                    }
                    default -> p.skipChildren();
                }
            }
            if (dtype == null || sizes == null || strides == null || strides.length != sizes.length) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has a tensor_meta without a dtype, or "
                        + "without sizes and strides of one rank.");
            }
            if (layout != STRIDED) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has layout " + layout + " (not strided, 7), "
                        + "which this reader does not read.");
            }
            return new Meta(dtype, sizes, strides, offset, requiresGrad);
        }

        private long[] symInts(String fqn, JsonParser p, String what) throws IOException {
            expect(p, JsonToken.START_ARRAY, fqn, "a " + what + " list");
            List<Long> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (values.size() >= Limits.current().getInt(Limit.RANK)) {
                    throw new FormatException("Tensor " + Quote.of(fqn) + " has more than "
                            + Limits.current().getInt(Limit.RANK) + " dimensions, the limit ("
                            + Limit.RANK.raise() + ").");
                }
                values.add(symIntHere(fqn, p, what));
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private long symInt(String fqn, JsonParser p, String what) throws IOException {
            return symIntHere(fqn, p, what);
        }

        /** {@code {"as_int": n}}, n ≥ 0; a symbolic {@code as_expr} is refused (weights have concrete sizes). */
        private long symIntHere(String fqn, JsonParser p, String what) throws IOException {
            expect(p, JsonToken.START_OBJECT, fqn, "a SymInt object in " + what);
            Long value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("as_int") && p.currentToken() == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() >= 0) {
                    value = p.getLongValue();
                } else {
                    throw new FormatException("Tensor " + Quote.of(fqn) + " has a " + what + " entry that is not a "
                            + "non-negative {\"as_int\": n} (symbolic sizes are not read).");
                }
            }
            if (value == null) {
                throw new FormatException("Tensor " + Quote.of(fqn) + " has an empty SymInt in " + what + ".");
            }
            return value;
        }

        private static boolean bool(JsonParser p, String fqn, String key) {
            if (p.currentToken() != JsonToken.VALUE_TRUE && p.currentToken() != JsonToken.VALUE_FALSE) {
                throw new FormatException("PT2 entry " + Quote.of(fqn) + " has a " + key + " that is not a boolean.");
            }
            return p.currentToken() == JsonToken.VALUE_TRUE;
        }

        private static void expect(JsonParser p, JsonToken token, String fqn, String what) {
            if (p.currentToken() != token) {
                throw new FormatException("PT2 entry " + Quote.of(fqn) + " does not have " + what + " where expected.");
            }
        }

        private ZipDirectory.Entry record(String folder, Payload p) {
            String name = root + folder + p.pathName();
            return directory.find(name).orElseThrow(() -> new FormatException("PT2 entry " + Quote.of(p.fqn())
                    + " names record " + Quote.of(name) + ", which the archive does not hold."));
        }

        /** The entry, its raw bytes checked to cover the view, and tied to an earlier view of the same bytes. */
        private TensorEntry entry(String prefix, Payload p, String folder, boolean constant,
                                  Map<String, String> firstByView, Map<String, DType> recordDtypes) {
            String name = prefix + p.fqn();
            Shape shape = Shape.of(p.sizes());
            ZipDirectory.Entry record = record(folder, p);
            if (!p.usePickle()) {
                // torch.export.load reads the record once, as a flat tensor of the dtype of the first entry naming
                // it, and views that for every entry; a later entry of another dtype would be that first dtype
                DType first = recordDtypes.putIfAbsent(record.name(), p.dtype());
                if (first != null && first != p.dtype()) {
                    throw new FormatException("Tensor " + Quote.of(name) + " is " + p.dtype().torchName() + " but "
                            + "its record " + Quote.of(record.name()) + " was first named as "
                            + first.torchName() + ", which torch.export.load would give it.");
                }
                long element = p.dtype().bytesFor(1);
                if (record.size() % element != 0) {
                    throw new FormatException("PT2 record " + Quote.of(record.name()) + " is " + record.size()
                            + " bytes, not a whole number of " + p.dtype().torchName() + " elements ("
                            + element + " bytes each); torch.export.load refuses it.");
                }
                long spanned = spannedBytes(name, p);
                long holds = record.size();
                if (holds == 0) {
                    // torch writes no bytes for a meta or fake tensor (and all of one dtype share the record);
                    // its loader makes zeros of the first entry's shape and views that for every entry
                    Long filled = zeroFilled.get(record.name());
                    if (filled == null) {
                        filled = TorchReader.exact(() -> {
                            long n = 1;
                            for (long d : p.sizes()) {
                                n = Math.multiplyExact(n, d);
                            }
                            return p.dtype().bytesFor(n);
                        }, "Tensor " + Quote.of(name) + " has sizes whose product overflows 64 bits.");
                        zeroFilled.put(record.name(), filled);
                    }
                    if (spanned > 0 && spanned <= filled) {
                        zeroNames.add(name);
                    }
                    holds = filled;
                }
                if (spanned > holds) {
                    throw new FormatException("Tensor " + Quote.of(name) + " reaches byte " + spanned + " of "
                            + Quote.of(record.name()) + ", which holds " + holds + " bytes"
                            + (record.size() == 0 ? " (the zeros torch.export.load makes for its first entry)" : "")
                            + ".");
                }
            }
            boolean parameter = p.isParam() && !constant;
            // a buffer or constant torch gives back requiring grad: its own tensor_meta says so, or (a raw view) the
            // first entry of its record did, which made the loader's flat tensor require grad
            boolean grad = p.requiresGrad();
            if (!p.usePickle()) {
                grad |= gradRecords.computeIfAbsent(record.name(), k -> p.requiresGrad());
            }
            if (!parameter && grad) {
                gradBuffers.add(name);
            }
            TensorEntry entry = parameter
                    ? TensorEntry.parameter(name, shape, p.dtype(), p.requiresGrad())
                    : TensorEntry.buffer(name, shape, p.dtype());
            if (!p.usePickle()) {
                String view = folder + p.pathName() + " " + p.dtype() + " " + p.storageOffset() + " "
                        + Arrays.toString(p.sizes()) + " " + Arrays.toString(p.strides());
                String first = firstByView.putIfAbsent(view, name);
                if (first != null) {
                    entry = entry.withAliasOf(first);
                }
            }
            return entry;
        }

        /** (offset + Σ (size_i - 1) * stride_i + 1) elements, in bytes; 0 for an empty tensor. */
        private static long spannedBytes(String name, Payload p) {
            return TorchReader.exact(() -> {
                for (long s : p.sizes()) {
                    if (s == 0) {
                        return 0L;
                    }
                }
                long last = p.storageOffset();
                for (int i = 0; i < p.sizes().length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(p.sizes()[i] - 1, p.strides()[i]));
                }
                return p.dtype().bytesFor(Math.addExact(last, 1));
            }, "Tensor " + Quote.of(name) + " has a size, stride or offset whose extent overflows 64 bits.");
        }

        /**
         * A record a PT2 loader unpickles (a pickled payload, torch.load with weights_only=False; the sample
         * inputs): a torch.save ZIP is scanned through its data.pkl, anything else as a raw pickle.
         */
        private void scanPickled(ZipDirectory.Entry record) throws IOException {
            if (record.method() != ZipDirectory.STORED) {
                warnings.add("PT2 record " + Quote.of(record.name()) + " is compressed, which PyTorchFileWriter never "
                        + "does; the pickle in it was not scanned.");
                return;
            }
            if (record.size() == 0) {
                return; // torch writes no bytes for example inputs of None; nothing is unpickled
            }
            SeekableByteChannel region = new ChannelWindow(channel, directory.dataOffset(channel, record),
                    record.size());
            if (Arrays.equals(Channels.readUpTo(region, 0, 4), ZIP_MAGIC)) {
                // a torch.save archive, or torch._C._pickle_save's archive of a TorchScript custom object
                try {
                    scan.merge(unpickleStored(record).scan(), record.name());
                } catch (FormatException e) {
                    warnings.add("PT2 record " + Quote.of(record.name()) + " is a ZIP whose pickle could not be "
                            + "scanned (" + e.getMessage() + ")");
                }
                return;
            }
            try (InputStream in = new BufferedInputStream(directory.open(channel, record), 1 << 16)) {
                Unpickler unpickler = new Unpickler(new PickleInput(in, record.size()), TorchScriptArchive.ALLOWLIST,
                        pid -> null);
                unpickler.load();
                scan.add(unpickler, record.name(), record.size());
            } catch (FormatException e) {
                warnings.add("PT2 record " + Quote.of(record.name()) + " is not a pickle that could be scanned ("
                        + e.getMessage() + ")");
            }
        }
    }
}
