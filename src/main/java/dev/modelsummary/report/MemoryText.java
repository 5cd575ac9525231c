package dev.modelsummary.report;

import dev.modelsummary.summary.MemorySummary;
import java.io.IOException;
import java.io.Writer;

/** The text report's memory section ({@code --memory}). */
final class MemoryText {
    private MemoryText() {
    }

    static void write(MemorySummary memory, Writer out) throws IOException {
        MemorySummary.Weights w = memory.weights();
        out.write("\nMemory (parameters only, tied weights once; buffers apart: " + TextReport.humanBytes(w.bufferBytes())
                + ")\n");
        out.write("  Weights: as stored " + TextReport.humanBytes(w.storedBytes()) + " ("
                + MemoryTables.storedLabel(w) + "), float32 " + TextReport.humanBytes(w.float32()) + ", float16/bfloat16 "
                + TextReport.humanBytes(w.float16()) + ", int8 " + TextReport.humanBytes(w.int8()) + ", int4 "
                + TextReport.humanBytes(w.int4()) + "\n");
        MemorySummary.Inference inf = memory.inference();
        out.write("  Input: " + MemoryTables.inputLabel(inf) + "\n");
        if (inf.kvCache() != null) {
            out.write("  KV cache: " + TextReport.grouped(inf.kvCache().elementsPerToken()) + " elements per token, "
                    + TextReport.grouped(inf.kvElements()) + " for " + TextReport.grouped(inf.kvTokens())
                    + " tokens x batch " + inf.input().batch() + "\n");
        }
        if (inf.partial() != null) {
            out.write("  Partial: the forward pass stops where the data decides; activations are a lower bound\n");
        }
        out.write('\n');
        table(MemoryTables.usage(memory), out);
        out.write("  Training = weights + gradients + optimizer states + master weights, plus the forward activations "
                + "kept for backward:\n");
        for (String line : MemoryTables.trainingFormulas()) {
            out.write("    " + line + "\n");
        }
        out.write("\naccelerate estimate-memory, by accelerate 1.15's rules ("
                + (memory.accelerate().fromArchitecture() ? "the model as asked for: head included, "
                : "tensor names' tree: ") + "parameters only, float32 / 2, 4, 8):\n");
        table(MemoryTables.accelerate(memory), out);
        out.write("  Largest layer: " + MemoryTables.largestLayer(memory) + "\n");
        if (memory.fits() != null) {
            out.write("\nFits " + TextReport.humanBytes(memory.fits().budget()) + " ("
                    + TextReport.grouped(memory.fits().budget()) + " B)?\n");
            table(MemoryTables.fits(memory.fits()), out);
        }
    }

    private static void table(MemoryTables.Table t, Writer out) throws IOException {
        TextTable table = new TextTable(t.header());
        table.rightAlign(t.numeric());
        table.write(out, t.rows().size(), i -> t.rows().get(i));
    }
}
