package dev.modelsummary.cli;

import dev.modelsummary.report.DiffHtmlReport;
import dev.modelsummary.report.DiffJsonReport;
import dev.modelsummary.report.DiffMarkdownReport;
import dev.modelsummary.report.DiffTextReport;
import dev.modelsummary.report.HtmlReport;
import dev.modelsummary.report.JsonReport;
import dev.modelsummary.report.MarkdownReport;
import dev.modelsummary.report.TextReport;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * What {@code --format} accepts, and everything a format decides: its report and diff writers, the folder and
 * extension {@code --out} gives its files, and whether {@code --depth} has a module table to cut. A new format is
 * one constant here, and a missing method does not compile.
 */
enum OutputFormat {
    /** The published page ({@link MarkdownReport}); {@code --out} adds its PNG chart. */
    MD("md", "md", null) {
        @Override
        void write(Summary summary, Writer out, OptionalInt depth) throws IOException {
            MarkdownReport.write(summary, out);
        }

        @Override
        void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException {
            DiffMarkdownReport.write(diff, maxRows, out);
        }
    },
    /** Every figure, for programs ({@link JsonReport}). */
    JSON("json", "json", "json") {
        @Override
        void write(Summary summary, Writer out, OptionalInt depth) throws IOException {
            JsonReport.write(summary, out, depth);
        }

        @Override
        void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException {
            DiffJsonReport.write(diff, out); // JSON lists every row: a program can cut it
        }
    },
    /** Aligned tables for a terminal ({@link TextReport}). */
    TEXT("text", "txt", "text") {
        @Override
        void write(Summary summary, Writer out, OptionalInt depth) throws IOException {
            TextReport.write(summary, out, depth);
        }

        @Override
        void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException {
            DiffTextReport.write(diff, maxRows, out);
        }
    },
    /** A self-contained page ({@link HtmlReport}): its treemap and module table show every module. */
    HTML("html", "html", "html") {
        @Override
        void write(Summary summary, Writer out, OptionalInt depth) throws IOException {
            HtmlReport.write(summary, out);
        }

        @Override
        void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException {
            DiffHtmlReport.write(diff, maxRows, out);
        }
    };

    private final String label;
    private final String extension;
    private final String folder;

    OutputFormat(String label, String extension, String folder) {
        this.label = label;
        this.extension = extension;
        this.folder = folder;
    }

    /** One model's report; {@code depth} is {@code --depth}, for the formats with a module table. */
    abstract void write(Summary summary, Writer out, OptionalInt depth) throws IOException;

    /** {@code diff}'s report, at most {@code maxRows} rows per section where the format cuts. */
    abstract void writeDiff(ModelDiff diff, int maxRows, Writer out) throws IOException;

    /** The extension of the files {@code --out} writes ({@code txt}). */
    String extension() {
        return extension;
    }

    /**
     * The folder under {@code --out} ({@code text}); null for Markdown, whose pages go where the original project
     * published them (the command decides per model).
     */
    String folder() {
        return folder;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Accepts the labels and a few obvious synonyms ({@code markdown}, {@code txt}), any case. */
    static OutputFormat parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "md":
            case "markdown":
                return MD;
            case "json":
                return JSON;
            case "text":
            case "txt":
                return TEXT;
            case "html":
            case "htm":
                return HTML;
            default:
                throw new IllegalArgumentException(
                        "Invalid value for option '--format': '" + value + "' (expected md, json, text or html)");
        }
    }
}
