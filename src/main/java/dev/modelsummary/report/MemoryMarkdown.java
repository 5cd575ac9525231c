package dev.modelsummary.report;

import dev.modelsummary.summary.ExpertSummary;
import dev.modelsummary.summary.MemorySummary;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** The Markdown page's memory section ({@code --memory}), after the published page. */
final class MemoryMarkdown {
    private MemoryMarkdown() {
    }

    static void write(MemorySummary memory, ExpertSummary experts, Writer out) throws IOException {
        MemorySummary.Weights w = memory.weights();
        out.write("\n**Memory** (parameters only, tied weights once; buffers apart: "
                + TextReport.humanBytes(w.bufferBytes()) + ")\n\n");
        if (experts != null) {
            out.write("Active parameters: " + MarkdownReport.cell(MemoryTables.experts(experts)) + "\n\n");
        }
        out.write("Weights: as stored " + TextReport.humanBytes(w.storedBytes()) + " ("
                + MarkdownReport.cell(MemoryTables.storedLabel(w)) + "), float32 " + TextReport.humanBytes(w.float32())
                + ", float16/bfloat16 " + TextReport.humanBytes(w.float16()) + ", int8 " + TextReport.humanBytes(w.int8())
                + ", int4 " + TextReport.humanBytes(w.int4()) + "\n\n");
        MemorySummary.Inference inf = memory.inference();
        out.write("Input: " + MarkdownReport.cell(MemoryTables.inputLabel(inf)));
        if (inf.kvCache() != null) {
            out.write("; KV cache " + TextReport.grouped(inf.kvCache().elementsPerToken())
                    + " elements per token, " + TextReport.grouped(inf.kvElements()) + " in all");
        }
        out.write("\n\n");
        table(MemoryTables.usage(memory), out);
        out.write("\nTraining = weights + gradients + optimizer states + master weights, plus the forward "
                + "activations kept for backward. ");
        out.write(String.join("; ", MemoryTables.trainingFormulas()) + ".\n\n");
        out.write("**accelerate estimate-memory** (accelerate 1.15's rules: "
                + (memory.accelerate().fromArchitecture() ? "the model as asked for, head included"
                : "the tensor names' tree") + ", parameters only, float32 / 2, 4, 8)\n\n");
        table(MemoryTables.accelerate(memory), out);
        out.write("\nLargest layer: " + MarkdownReport.cell(MemoryTables.largestLayer(memory)) + "\n");
        if (memory.fits() != null) {
            out.write("\n**Fits " + TextReport.humanBytes(memory.fits().budget()) + "?**\n\n");
            table(MemoryTables.fits(memory.fits()), out);
        }
    }

    private static void table(MemoryTables.Table t, Writer out) throws IOException {
        MarkdownReport.table(out, List.of(t.header()), t.rows());
    }
}
