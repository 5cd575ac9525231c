package dev.modelsummary.site;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.report.JsonReport;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A group's {@code data.json}: written pretty and deterministic (models by name, fields in a fixed order,
 * {@code \n} line ends), and read back strictly. The file is input to a later run, which may find it edited
 * or damaged: its size and depth are bounded, every value is checked, and anything a site would not have
 * written is refused whole.
 */
public final class SiteJson {
    /** Far over what any real site needs: 173 models take about 100 KB. */
    public static final long MAX_BYTES = 64L << 20;
    /** The schema nests three deep (root, models, forms); a little room, no more. */
    private static final int MAX_DEPTH = 8;
    private static final Pattern FORM = Pattern.compile("Vector|Matrix|Tensor rank [0-9]{1,3}");
    private static final Pattern GROUP = Pattern.compile("[a-z_]{1,32}(/[a-z_]{1,32})?");
    private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(1 << 16).maxNumberLength(20).build())
            .build());
    private static final JsonFactory FACTORY = new JsonFactory();

    private SiteJson() {
    }

    /** Writes {@code data} as {@code data.json}: two-space indents, {@code "key": value}, a final newline. */
    public static void write(GroupData data, Writer writer) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(writer).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.setPrettyPrinter(JsonReport.prettyPrinter());
            json.writeStartObject();
            json.writeStringField("group", data.group().path());
            json.writeArrayFieldStart("models");
            for (SiteEntry entry : data.models()) {
                writeEntry(json, entry);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }

    private static void writeEntry(JsonGenerator json, SiteEntry entry) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", entry.name());
        json.writeStringField("page", entry.page());
        json.writeNumberField("parameters", entry.parameters());
        json.writeNumberField("trainable", entry.trainable());
        json.writeNumberField("buffers", entry.buffers());
        json.writeNumberField("bytes", entry.bytes());
        json.writeNumberField("tensors", entry.tensors());
        if (entry.flops() != null) {
            json.writeStringField("input", entry.input());
            json.writeNumberField("flops", entry.flops());
        } else {
            json.writeNullField("input");
            json.writeNullField("flops");
        }
        if (entry.inference() != null) {
            json.writeNumberField("inferenceBytes", entry.inference());
        } else {
            json.writeNullField("inferenceBytes");
        }
        json.writeArrayFieldStart("forms");
        for (FormShare form : entry.forms()) {
            json.writeStartObject();
            json.writeStringField("form", form.form());
            json.writeNumberField("tensors", form.tensors());
            json.writeNumberField("parameters", form.parameters());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("source", entry.source());
        json.writeEndObject();
    }

    /**
     * Reads a {@code data.json} of {@code group}, {@code bytes} long at most {@link #MAX_BYTES} (the caller
     * checks the size before reading).
     *
     * @throws SiteDataException for anything but what {@link #write} writes for this group: the message says
     *                           what, without the file's name
     */
    public static GroupData read(byte[] bytes, SiteGroup group) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new SiteDataException("not valid JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new SiteDataException("cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SiteDataException("not a JSON object");
        }
        String named = text(root, "group", GROUP, "the group");
        if (!named.equals(group.path())) {
            throw new SiteDataException("holds group " + named + ", not " + group.path());
        }
        JsonNode models = root.get("models");
        if (models == null || !models.isArray()) {
            throw new SiteDataException("'models' is not a list");
        }
        List<SiteEntry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode model : models) {
            SiteEntry entry = entry(model);
            if (!names.add(entry.name())) {
                throw new SiteDataException("lists " + entry.name() + " twice");
            }
            entries.add(entry);
        }
        return new GroupData(group, entries);
    }

    private static SiteEntry entry(JsonNode model) {
        if (!model.isObject()) {
            throw new SiteDataException("a model is not a JSON object");
        }
        String name = text(model, "name", SiteEntry.SAFE_NAME, "a model's name");
        String page = text(model, "page", Pattern.compile(Pattern.quote(name) + "\\.(md|html)"),
                "the page of " + name);
        String input = null;
        Long flops = null;
        if (absent(model, "input") != absent(model, "flops")) {
            throw new SiteDataException("the FLOPs of " + name + " come without their input, or the input "
                    + "without them");
        }
        if (!absent(model, "flops")) {
            input = text(model, "input", SiteEntry.INPUT, "the input of " + name);
            flops = count(model, "flops", name, Long.MAX_VALUE);
        }
        Long inference = null;
        if (!absent(model, "inferenceBytes")) {
            if (flops == null) {
                throw new SiteDataException("the inference memory of " + name + " comes without its input");
            }
            inference = count(model, "inferenceBytes", name, Long.MAX_VALUE);
        }
        List<FormShare> forms = new ArrayList<>();
        JsonNode formNodes = model.get("forms");
        if (formNodes == null || !formNodes.isArray()) {
            throw new SiteDataException("the forms of " + name + " are not a list");
        }
        for (JsonNode form : formNodes) {
            if (!form.isObject()) {
                throw new SiteDataException("a form of " + name + " is not a JSON object");
            }
            forms.add(new FormShare(text(form, "form", FORM, "a form of " + name),
                    Math.toIntExact(count(form, "tensors", name, Integer.MAX_VALUE)),
                    count(form, "parameters", name, Long.MAX_VALUE)));
        }
        return new SiteEntry(name, page, count(model, "parameters", name, Long.MAX_VALUE),
                count(model, "trainable", name, Long.MAX_VALUE), count(model, "buffers", name, Long.MAX_VALUE),
                count(model, "bytes", name, Long.MAX_VALUE),
                Math.toIntExact(count(model, "tensors", name, Integer.MAX_VALUE)), forms,
                text(model, "source", SOURCE, "the source of " + name), input, flops, inference);
    }

    /** A field a site written before FLOPs lacks, and writes null for a model without them. */
    private static boolean absent(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull();
    }

    private static String text(JsonNode node, String field, Pattern allowed, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new SiteDataException(what + " ('" + field + "') is missing or not a string");
        }
        if (!allowed.matcher(value.textValue()).matches()) {
            throw new SiteDataException(what + " ('" + field + "') is not one a site writes");
        }
        return value.textValue();
    }

    private static long count(JsonNode node, String field, String model, long max) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0
                || value.longValue() > max) {
            throw new SiteDataException("'" + field + "' of " + model + " is not a count");
        }
        return value.longValue();
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
