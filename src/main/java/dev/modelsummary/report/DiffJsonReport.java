package dev.modelsummary.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.FormStat;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * {@code model-summary diff A B -f json}: {@code {"a": {...}, "b": {...}, "onlyInA": [...], "onlyInB": [...],
 * "changed": [...], "same": N, "sameStructure": bool, "valuesCompared": bool, "differ": bool}} (with
 * {@code --values}, also {@code "valuesComparedTensors": N, "valuesDiffer": [...]}; with {@code --compute},
 * {@code "compute": {"a": {...}, "b": {...}, "bMinusA": {...}}} after {@code "b"}), streamed with {@link JsonReport}'s generator (same layout,
 * same escapes). Every list is whole: {@code --max-rows} cuts the text and Markdown reports only.
 */
public final class DiffJsonReport {
    private DiffJsonReport() {
    }

    public static void write(ModelDiff diff, Writer writer) throws IOException {
        try (JsonGenerator json = JsonReport.generator(writer)) {
            json.writeStartObject();
            writeSide(json, "a", diff.a());
            writeSide(json, "b", diff.b());
            if (diff.a().compute() != null && diff.b().compute() != null) {
                writeCompute(json, diff.a().compute(), diff.b().compute());
            }
            writeTensors(json, "onlyInA", diff.onlyInA());
            writeTensors(json, "onlyInB", diff.onlyInB());
            json.writeArrayFieldStart("changed");
            for (ModelDiff.Change change : diff.changed()) {
                json.writeStartObject();
                json.writeStringField("name", change.name());
                JsonReport.writeStrings(json, "changed", change.aspects().stream().map(ModelDiff.Aspect::label)
                        .toList());
                json.writeFieldName("a");
                writeTensor(json, change.a(), false);
                json.writeFieldName("b");
                writeTensor(json, change.b(), false);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberField("same", diff.same());
            json.writeBooleanField("sameStructure", diff.sameStructure());
            ModelDiff.Values values = diff.values();
            json.writeBooleanField("valuesCompared", values != null);
            if (values != null) {
                json.writeNumberField("valuesComparedTensors", values.compared());
                writeTensors(json, "valuesDiffer", values.differ());
            }
            json.writeBooleanField("differ", !diff.noDifference());
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }

    /** One model: where it came from, its totals and its form split. */
    private static void writeSide(JsonGenerator json, String field, Summary summary) throws IOException {
        Model model = summary.model();
        json.writeObjectFieldStart(field);
        json.writeStringField("name", model.name());
        json.writeStringField("format", model.format());
        json.writeStringField("source", model.source());
        JsonReport.writeTotals(json, "parameters", summary.parameters(), true);
        JsonReport.writeTotals(json, "buffers", summary.buffers(), false);
        json.writeNumberField("bytes", summary.storedBytes());
        json.writeArrayFieldStart("forms");
        for (FormStat form : summary.forms()) {
            json.writeStartObject();
            json.writeStringField("form", form.form().label());
            json.writeNumberField("rank", form.form().rank());
            json.writeNumberField("tensors", form.tensors());
            json.writeNumberField("count", form.count());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /**
     * {@code diff --compute}: {@code "compute": {"a": {...}, "b": {...}, "bMinusA": {...}}}, each side with the
     * input it ran on and its totals; not part of {@code "differ"}.
     */
    private static void writeCompute(JsonGenerator json, ComputeSummary a, ComputeSummary b) throws IOException {
        json.writeObjectFieldStart("compute");
        writeComputeSide(json, "a", a);
        writeComputeSide(json, "b", b);
        json.writeObjectFieldStart("bMinusA");
        json.writeNumberField("flops", b.flops() - a.flops());
        json.writeNumberField("macs", b.macs() - a.macs());
        json.writeNumberField("activations", b.activations() - a.activations());
        json.writeNumberField("activationBytes", b.activationBytes() - a.activationBytes());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeComputeSide(JsonGenerator json, String field, ComputeSummary compute)
            throws IOException {
        json.writeObjectFieldStart(field);
        json.writeObjectFieldStart("input");
        json.writeStringField("kind", compute.input().kind().name().toLowerCase(Locale.ROOT));
        JsonReport.writeShape(json, "shape", compute.input().shape());
        json.writeNumberField("bytes", compute.inputBytes());
        json.writeEndObject();
        json.writeNumberField("flops", compute.flops());
        json.writeNumberField("macs", compute.macs());
        json.writeNumberField("activations", compute.activations());
        json.writeNumberField("activationBytes", compute.activationBytes());
        json.writeNumberField("parameterBytes", compute.parameterBytes());
        json.writeNumberField("totalBytes", compute.totalBytes());
        json.writeEndObject();
    }

    private static void writeTensors(JsonGenerator json, String field, List<TensorEntry> tensors)
            throws IOException {
        json.writeArrayFieldStart(field);
        for (TensorEntry tensor : tensors) {
            writeTensor(json, tensor, true);
        }
        json.writeEndArray();
    }

    /** A tensor as the summary's JSON lists it, with or without its name. */
    private static void writeTensor(JsonGenerator json, TensorEntry t, boolean withName) throws IOException {
        json.writeStartObject();
        if (withName) {
            json.writeStringField("name", t.name());
        }
        JsonReport.writeShape(json, "shape", t.shape());
        JsonReport.writeKind(json, t);
        json.writeEndObject();
    }
}
