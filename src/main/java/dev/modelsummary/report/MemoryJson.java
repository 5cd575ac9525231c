package dev.modelsummary.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelsummary.memory.Accelerate;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.memory.Training;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.ExpertSummary;
import dev.modelsummary.summary.MemorySummary;
import java.io.IOException;
import java.math.BigDecimal;

/** The JSON report's {@code "experts"} and {@code "memory"} objects (schema: docs/memory.md). */
final class MemoryJson {
    private MemoryJson() {
    }

    /** {@code "experts"}: total and per-token parameters of a mixture of experts. */
    static void writeExperts(JsonGenerator json, ExpertSummary experts) throws IOException {
        json.writeObjectFieldStart("experts");
        json.writeNumberField("routedExperts", experts.routing().experts());
        json.writeNumberField("expertsPerToken", experts.routing().expertsPerToken());
        json.writeNumberField("totalParameters", experts.active().total());
        json.writeNumberField("routedParameters", experts.active().routed());
        json.writeNumberField("activeParameters", experts.active().active());
        json.writeEndObject();
    }

    static void write(JsonGenerator json, MemorySummary memory) throws IOException {
        json.writeObjectFieldStart("memory");
        writeWeights(json, memory.weights());
        writeAccelerate(json, memory.accelerate());
        writeTraining(json, memory);
        writeInference(json, memory.inference());
        if (memory.fits() != null) {
            writeFits(json, memory.fits());
        }
        json.writeEndObject();
    }

    private static void writeWeights(JsonGenerator json, MemorySummary.Weights w) throws IOException {
        json.writeObjectFieldStart("weights");
        json.writeNumberField("parameters", w.parameters());
        json.writeNumberField("trainable", w.trainable());
        json.writeNumberField("storedBytes", w.storedBytes());
        json.writeArrayFieldStart("storedByDtype");
        for (DTypeStat d : w.byDtype()) {
            json.writeStartObject();
            json.writeStringField("dtype", d.dtype().torchName());
            json.writeNumberField("parameters", d.count());
            json.writeNumberField("bytes", d.bytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("float32Bytes", w.float32());
        json.writeNumberField("float16Bytes", w.float16());
        json.writeNumberField("bfloat16Bytes", w.float16());
        json.writeNumberField("int8Bytes", w.int8());
        json.writeNumberField("int4Bytes", w.int4());
        json.writeNumberField("bufferBytes", w.bufferBytes());
        json.writeEndObject();
    }

    private static void writeAccelerate(JsonGenerator json, MemorySummary.AccelerateRows a) throws IOException {
        json.writeObjectFieldStart("accelerate");
        json.writeStringField("convention", a.fromArchitecture()
                ? "accelerate 1.15 rules on the model as asked for: head included, parameters only, tied weights "
                + "once, float32"
                : "accelerate 1.15 rules on the module tree the tensor names spell (no class names, so no "
                + "no-split modules): parameters only, tied weights once, float32");
        JsonReport.writeStrings(json, "noSplitModules", a.noSplitModules());
        JsonReport.writeStrings(json, "largestLayerNames", a.largestLayer().names());
        json.writeNumberField("float32Bytes", a.float32Bytes());
        json.writeArrayFieldStart("rows");
        for (MemorySummary.AccelerateRow row : a.rows()) {
            json.writeStartObject();
            json.writeStringField("dtype", row.dtype().label());
            json.writeFieldName("largestLayerBytes");
            writeExact(json, row.largestLayer());
            json.writeFieldName("totalBytes");
            writeExact(json, row.total());
            Accelerate.TrainingUsage t = row.training();
            if (t.peak() < 0) {
                json.writeNullField("trainingBytes");
                json.writeNullField("training");
            } else {
                json.writeNumberField("trainingBytes", t.peak());
                json.writeObjectFieldStart("training");
                json.writeNumberField("model", t.model());
                json.writeNumberField("optimizer", t.optimizer());
                json.writeNumberField("gradients", t.gradients());
                json.writeNumberField("step", t.step());
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** A whole number as an integer, else its exact decimal (accelerate's {@code /= 8} can leave a half). */
    private static void writeExact(JsonGenerator json, BigDecimal value) throws IOException {
        BigDecimal v = value.stripTrailingZeros();
        if (v.scale() <= 0) {
            json.writeNumber(v.toBigIntegerExact());
        } else {
            json.writeNumber(v);
        }
    }

    private static void writeTraining(JsonGenerator json, MemorySummary memory) throws IOException {
        json.writeArrayFieldStart("training");
        for (Training.Row row : memory.training()) {
            json.writeStartObject();
            json.writeStringField("optimizer", row.optimizer().label());
            json.writeStringField("precision", row.precision().label());
            json.writeNumberField("weights", row.weights());
            json.writeNumberField("gradients", row.gradients());
            json.writeNumberField("optimizerStates", row.states());
            json.writeNumberField("masterWeights", row.master());
            json.writeNumberField("totalBytes", row.total());
            json.writeStringField("formula", row.formula());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeInference(JsonGenerator json, MemorySummary.Inference inf) throws IOException {
        json.writeObjectFieldStart("inference");
        if (inf.input() == null) {
            json.writeNullField("input");
            json.writeNullField("activations");
        } else {
            json.writeObjectFieldStart("input");
            json.writeStringField("kind", inf.input().kind().name().toLowerCase(java.util.Locale.ROOT));
            JsonReport.writeShape(json, "shape", inf.input().shape());
            json.writeEndObject();
            json.writeNumberField("activations", inf.activations());
        }
        if (inf.partial() != null) {
            json.writeStringField("partial", inf.partial());
        }
        if (inf.kvCache() == null) {
            json.writeNullField("kvCache");
        } else {
            KvCache kv = inf.kvCache();
            json.writeObjectFieldStart("kvCache");
            json.writeNumberField("layers", kv.layers().size());
            json.writeNumberField("elementsPerToken", kv.elementsPerToken());
            json.writeNumberField("tokens", inf.kvTokens());
            json.writeNumberField("elements", inf.kvElements());
            json.writeEndObject();
        }
        json.writeArrayFieldStart("rows");
        for (MemorySummary.InferenceRow row : inf.rows()) {
            json.writeStartObject();
            json.writeStringField("dtype", row.precision().label());
            json.writeNumberField("weights", row.weights());
            json.writeNumberField("elementBytes", row.elementBytes());
            if (inf.input() == null) {
                json.writeNullField("activations");
            } else {
                json.writeNumberField("activations", row.activationBytes());
            }
            json.writeNumberField("kvCache", row.kvBytes());
            json.writeNumberField("totalBytes", row.total());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeFits(JsonGenerator json, MemorySummary.Fits fits) throws IOException {
        json.writeObjectFieldStart("fits");
        json.writeNumberField("budgetBytes", fits.budget());
        json.writeArrayFieldStart("rows");
        for (MemorySummary.FitRow row : fits.rows()) {
            json.writeStartObject();
            json.writeStringField("mode", row.mode());
            json.writeStringField("dtype", row.dtype());
            json.writeNumberField("neededBytes", row.needed());
            json.writeBooleanField("fits", row.fits());
            writeNullable(json, "maxBatch", row.maxBatch());
            writeNullable(json, "maxSeqLen", row.maxSeqLen());
            json.writeBooleanField("capped", row.capped());
            json.writeBooleanField("batchLimitedByModel", row.batchLimit());
            json.writeBooleanField("seqLenLimitedByModel", row.seqLenLimit());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeNullable(JsonGenerator json, String field, Long value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value);
        }
    }
}
