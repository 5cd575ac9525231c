package dev.modelsummary.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.ModuleTree;
import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.Totals;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalInt;

/**
 * The summary as JSON (schema in docs/usage.md, "JSON"). Streamed with Jackson's generator so a model
 * with millions of tensors is never held twice. Percentages are the same two-decimal values the Markdown
 * page prints, written as JSON numbers.
 */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory().setCharacterEscapes(new TerminalSafeEscapes());
    /**
     * Two-space indents, {@code "key": value}; shapes stay on one line (see {@link #writeShape}). A template
     * only: a pretty printer counts nesting as it writes, so each generator gets its own copy.
     */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private JsonReport() {
    }

    /** A pretty printer of the report's style, for other JSON files written alike ({@code data.json}). */
    public static DefaultPrettyPrinter prettyPrinter() {
        return PRETTY.createInstance();
    }

    /** The report as a string, for tests and small models; the CLI streams with {@link #write}. */
    public static String render(Summary summary) {
        return Renderer.toText(JsonReport::write, summary);
    }

    /** Writes the report straight to {@code writer}, which stays open. */
    public static void write(Summary summary, Writer writer) throws IOException {
        write(summary, writer, OptionalInt.empty());
    }

    /**
     * The report, and with a depth a {@code "modules"} array after the other keys: the parameters per module
     * down to that depth ({@code --depth N}), root first.
     */
    public static void write(Summary summary, Writer writer, OptionalInt depth) throws IOException {
        try (JsonGenerator json = generator(writer)) {
            Model model = summary.model();
            json.writeStartObject();
            json.writeStringField("name", model.name());
            json.writeStringField("format", model.format());
            json.writeStringField("source", model.source());
            writeFacts(json, model.details().facts());
            writeTotals(json, "parameters", summary.parameters(), true);
            json.writeFieldName("bitsPerParameter");
            if (summary.bitsPerParameter().isPresent()) {
                json.writeNumber(summary.bitsPerParameter().get());
            } else {
                json.writeNull();
            }
            writeTotals(json, "buffers", summary.buffers(), false);
            if (summary.experts() != null) {
                MemoryJson.writeExperts(json, summary.experts());
            }
            writeForms(json, summary);
            writeDtypes(json, summary);
            if (summary.tensorTable()) {
                writeTensors(json, model); // left out with --summary: the totals above say the rest
            }
            writeCheckpoint(json, model.details().checkpoint());
            writePickle(json, model.details().pickle());
            writeStrings(json, "notes", model.details().notes());
            writeStrings(json, "warnings", model.warnings());
            if (summary.compute() != null) {
                writeCompute(json, summary.compute());
            }
            if (summary.memory() != null) {
                MemoryJson.write(json, summary.memory());
            }
            if (depth.isPresent()) {
                writeModules(json, ModuleTree.of(summary).rollup(depth.getAsInt()));
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }

    /**
     * A generator with this report's layout and escapes, over {@code writer}, which it leaves open when closed.
     * Each call makes its own pretty printer: a pretty printer counts nesting as it writes.
     */
    static JsonGenerator generator(Writer writer) throws IOException {
        JsonGenerator json = FACTORY.createGenerator(writer).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setPrettyPrinter(PRETTY.createInstance());
        return json;
    }

    private static void writeModules(JsonGenerator json, List<ModuleTree.Node> modules) throws IOException {
        json.writeArrayFieldStart("modules");
        for (ModuleTree.Node m : modules) {
            json.writeStartObject();
            json.writeStringField("path", m.path());
            json.writeNumberField("depth", m.depth());
            json.writeNumberField("parameters", m.parameters());
            json.writeNumberField("trainable", m.trainable());
            json.writeNumberField("bytes", m.bytes());
            json.writeNumberField("tensors", m.tensors());
            json.writeNumberField("ownParameters", m.ownParameters());
            json.writeNumberField("ownTensors", m.ownTensors());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /**
     * {@code "compute"}: what one forward pass costs (docs/usage.md and docs/compute.md): the input, the totals, then every module
     * call in the order calls start, with each tensor of its inputs and outputs.
     */
    private static void writeCompute(JsonGenerator json, ComputeSummary compute) throws IOException {
        json.writeObjectFieldStart("compute");
        json.writeObjectFieldStart("input");
        json.writeStringField("kind", compute.input().kind().name().toLowerCase(java.util.Locale.ROOT));
        writeShape(json, "shape", compute.input().shape());
        json.writeNumberField("bytes", compute.inputBytes());
        json.writeEndObject();
        json.writeFieldName("partial");
        if (compute.partial() == null) {
            json.writeNull();
        } else {
            json.writeString(compute.partial());
        }
        json.writeNumberField("flops", compute.flops());
        json.writeNumberField("macs", compute.macs());
        json.writeNumberField("activations", compute.activations());
        json.writeNumberField("activationBytes", compute.activationBytes());
        json.writeNumberField("parameterBytes", compute.parameterBytes());
        json.writeNumberField("totalBytes", compute.totalBytes());
        json.writeArrayFieldStart("modules");
        for (Trace.Call call : compute.calls()) {
            json.writeStartObject();
            json.writeStringField("name", call.name());
            json.writeStringField("class", call.className());
            writeShapes(json, "in", call.in());
            writeShapes(json, "out", call.out());
            json.writeNumberField("parameters", call.parameters());
            json.writeNumberField("flops", call.flops());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeShapes(JsonGenerator json, String field, List<Shape> shapes) throws IOException {
        json.writeArrayFieldStart(field);
        for (Shape shape : shapes) {
            writeShape(json, shape);
        }
        json.writeEndArray();
    }

    /** {@code "facts": {"architecture": "llama", ...}}: what the file says of itself, in its order. */
    private static void writeFacts(JsonGenerator json, List<Fact> facts) throws IOException {
        json.writeObjectFieldStart("facts");
        for (Fact fact : facts) {
            json.writeStringField(fact.label(), fact.value());
        }
        json.writeEndObject();
    }

    static void writeStrings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /** The checkpoint's anatomy, or null when the file holds only the model. */
    private static void writeCheckpoint(JsonGenerator json, CheckpointContents checkpoint) throws IOException {
        json.writeFieldName("checkpoint");
        if (checkpoint == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        json.writeStringField("key", checkpoint.key());
        json.writeArrayFieldStart("entries");
        for (CheckpointContents.Entry entry : checkpoint.entries()) {
            json.writeStartObject();
            json.writeStringField("name", entry.name());
            json.writeStringField("kind", entry.kind());
            json.writeNumberField("tensors", entry.tensors());
            json.writeNumberField("elements", entry.elements());
            json.writeNumberField("bytes", entry.bytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** The pickle safety scan, or null when no pickle was read. */
    private static void writePickle(JsonGenerator json, PickleScan scan) throws IOException {
        json.writeFieldName("pickle");
        if (scan == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        json.writeNumberField("pickles", scan.pickles());
        json.writeArrayFieldStart("imports");
        for (PickleScan.Import i : scan.imports()) {
            json.writeString(i.name());
        }
        json.writeEndArray();
        for (PickleScan.Verdict verdict : PickleScan.Verdict.values()) {
            writeStrings(json, verdict.jsonName(), scan.named(verdict));
        }
        json.writeArrayFieldStart("afterStop");
        for (PickleScan.Trailer trailer : scan.afterStop()) {
            json.writeStartObject();
            json.writeStringField("pickle", trailer.pickle());
            json.writeNumberField("bytes", trailer.bytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    static void writeTotals(JsonGenerator json, String field, Totals totals, boolean withTrainable)
            throws IOException {
        json.writeObjectFieldStart(field);
        json.writeNumberField("tensors", totals.tensors());
        json.writeNumberField("count", totals.count());
        if (withTrainable) {
            json.writeNumberField("trainable", totals.trainable());
        }
        json.writeNumberField("bytes", totals.bytes());
        json.writeEndObject();
    }

    private static void writeForms(JsonGenerator json, Summary summary) throws IOException {
        json.writeArrayFieldStart("forms");
        for (FormStat form : summary.forms()) {
            json.writeStartObject();
            json.writeStringField("form", form.form().label());
            json.writeNumberField("rank", form.form().rank());
            json.writeNumberField("tensors", form.tensors());
            json.writeFieldName("tensorsPercent");
            json.writeNumber(new BigDecimal(PythonNumbers.percent(form.tensors(), summary.parameters().tensors())));
            json.writeNumberField("count", form.count());
            json.writeFieldName("countPercent");
            json.writeNumber(new BigDecimal(PythonNumbers.percent(form.count(), summary.parameters().count())));
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeDtypes(JsonGenerator json, Summary summary) throws IOException {
        json.writeArrayFieldStart("dtypes");
        for (DTypeStat dtype : summary.dtypes()) {
            json.writeStartObject();
            json.writeStringField("dtype", dtype.dtype().torchName());
            json.writeNumberField("tensors", dtype.tensors());
            json.writeNumberField("count", dtype.count());
            json.writeNumberField("bytes", dtype.bytes());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeTensors(JsonGenerator json, Model model) throws IOException {
        json.writeArrayFieldStart("tensors");
        for (TensorEntry t : model.tensors()) {
            json.writeStartObject();
            json.writeStringField("name", t.name());
            writeShape(json, "shape", t.shape());
            writeShape(json, "squeezedShape", t.shape().squeezed());
            json.writeNumberField("count", t.numel());
            json.writeStringField("form", t.form().label());
            writeKind(json, t);
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** A tensor's {@code dtype}, {@code role}, {@code trainable} and, on a tied entry, {@code aliasOf}. */
    static void writeKind(JsonGenerator json, TensorEntry t) throws IOException {
        json.writeStringField("dtype", t.dtype().torchName());
        json.writeStringField("role", t.role().jsonName());
        json.writeBooleanField("trainable", t.trainable());
        if (t.aliasOf() != null) {
            json.writeStringField("aliasOf", t.aliasOf());
        }
    }

    /** A shape as one line, {@code [1, 1, 1024]}: a tensor list is read by people too, and stays short. */
    static void writeShape(JsonGenerator json, String field, Shape shape) throws IOException {
        json.writeFieldName(field);
        writeShape(json, shape);
    }

    /** A shape as a one-line array value, {@code [1, 3, 224, 224]}. */
    static void writeShape(JsonGenerator json, Shape shape) throws IOException {
        StringBuilder dims = new StringBuilder("[");
        for (int i = 0; i < shape.rank(); i++) {
            dims.append(i == 0 ? "" : ", ").append(shape.dim(i));
        }
        json.writeRawValue(dims.append(']').toString());
    }

    /**
     * JSON's own escapes (C0 controls, quote, backslash) plus every character that could drive or fool a
     * terminal showing the report: DEL and C1 controls (U+009B is an 8-bit CSI), format characters
     * (bidirectional overrides) and line separators. Escaping is lossless: a parser reads the same string.
     */
    static final class TerminalSafeEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        /** @param alsoEscaped ASCII characters to write as {@code \}{@code uXXXX} too ({@code "<>&"} for a script) */
        TerminalSafeEscapes(String alsoEscaped) {
            ascii[0x7f] = ESCAPE_STANDARD;
            alsoEscaped.chars().forEach(c -> ascii[c] = ESCAPE_STANDARD);
        }

        TerminalSafeEscapes() {
            this("");
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (Character.getType(ch)) {
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                        new SerializedString(String.format("\\u%04X", ch));
                default -> null;
            };
        }
    }
}
