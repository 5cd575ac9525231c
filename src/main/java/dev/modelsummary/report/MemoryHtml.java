package dev.modelsummary.report;

import dev.modelsummary.summary.MemorySummary;
import java.io.IOException;
import java.io.Writer;

/** The HTML page's memory section ({@code --memory}): cards for the main answers, then the tables. */
final class MemoryHtml {
    private MemoryHtml() {
    }

    /** Cards: weights in float16 and int4, inference in the stored dtype, AdamW training, accelerate's layer. */
    static void writeCards(MemorySummary memory, Writer out, HtmlCards cards) throws IOException {
        MemorySummary.Weights w = memory.weights();
        cards.card(out, "weights-fp16", "Weights float16", TextReport.humanBytes(w.float16()),
                "int8 " + TextReport.humanBytes(w.int8()) + " &middot; int4 " + TextReport.humanBytes(w.int4()));
        MemorySummary.InferenceRow stored = memory.inference().rows().get(0);
        cards.card(out, "inference", "Inference", TextReport.humanBytes(stored.total()),
                memory.inference().input() == null ? "weights only (no forward pass)"
                        : "as stored, " + Html.escape(MemoryTables.inputLabel(memory.inference())));
        long adam = memory.training().get(1).total();
        cards.card(out, "training", "Training (AdamW)", TextReport.humanBytes(adam),
                "mixed precision, before activations");
        cards.card(out, "largest-layer", "Largest layer", TextReport.humanBytes(memory.accelerate().largestLayer()
                .bytes()), "float32, as accelerate finds it");
    }

    /** The section after the cards: the usage table, accelerate's, and what fits. */
    static void writeSection(MemorySummary memory, Writer out) throws IOException {
        out.write("<section id=\"memory\">\n<h2>Memory</h2>\n");
        out.write("<p class=\"muted\">Parameters only, tied weights once; buffers apart ("
                + TextReport.humanBytes(memory.weights().bufferBytes()) + "). Input: "
                + Html.escape(MemoryTables.inputLabel(memory.inference())) + ". Training = weights + gradients + "
                + "optimizer states + master weights, plus the forward activations kept for backward.</p>\n");
        table(MemoryTables.usage(memory), "memory-table", out);
        out.write("<p class=\"muted\">" + Html.escape(String.join("; ", MemoryTables.trainingFormulas())) + ".</p>\n");
        out.write("<h3>accelerate estimate-memory</h3>\n<p class=\"muted\">accelerate 1.15's rules: "
                + (memory.accelerate().fromArchitecture() ? "the model as asked for, head included"
                : "the tensor names' tree") + ", parameters only, float32 / 2, 4, 8. Largest layer: "
                + Html.escape(MemoryTables.largestLayer(memory)) + ".</p>\n");
        table(MemoryTables.accelerate(memory), "accelerate-table", out);
        if (memory.fits() != null) {
            out.write("<h3>Fits " + TextReport.humanBytes(memory.fits().budget()) + "?</h3>\n");
            table(MemoryTables.fits(memory.fits()), "fits-table", out);
        }
        out.write("</section>\n");
    }

    private static void table(MemoryTables.Table t, String id, Writer out) throws IOException {
        out.write("<table id=\"" + id + "\">\n<thead><tr>");
        for (int i = 0; i < t.header().length; i++) {
            out.write("<th" + (numeric(t, i) ? " class=\"num\"" : "") + ">" + Html.escape(t.header()[i]) + "</th>");
        }
        out.write("</tr></thead>\n<tbody>\n");
        for (String[] row : t.rows()) {
            out.write("<tr>");
            for (int i = 0; i < row.length; i++) {
                out.write("<td" + (numeric(t, i) ? " class=\"num\"" : "") + ">" + Html.escape(row[i]) + "</td>");
            }
            out.write("</tr>\n");
        }
        out.write("</tbody>\n</table>\n");
    }

    private static boolean numeric(MemoryTables.Table t, int column) {
        for (int c : t.numeric()) {
            if (c == column) {
                return true;
            }
        }
        return false;
    }

    /** The page's card writer. */
    @FunctionalInterface
    interface HtmlCards {
        void card(Writer out, String id, String label, String value, String detail) throws IOException;
    }
}
