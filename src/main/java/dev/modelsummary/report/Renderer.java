package dev.modelsummary.report;

import dev.modelsummary.summary.Summary;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/** A report that streams into a {@link Writer}; the CLI streams, tests and small callers take a string. */
@FunctionalInterface
public interface Renderer {
    void write(Summary summary, Writer out) throws IOException;

    /** The whole report as a string. */
    static String toText(Renderer renderer, Summary summary) {
        StringWriter out = new StringWriter();
        try {
            renderer.write(summary, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
