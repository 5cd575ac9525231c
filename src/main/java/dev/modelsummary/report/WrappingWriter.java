package dev.modelsummary.report;

import java.io.IOException;
import java.io.Writer;

/**
 * Passes text on line by line, wrapping each line longer than a terminal's width by {@link TextFit#wrap}: the
 * text report's sentences (totals, facts, notes, warnings, memory lines) fit without each knowing the width.
 * Tables fit themselves first ({@link TextTable}), so their rows pass unchanged. Only one line is held.
 */
final class WrappingWriter extends Writer {
    private final Writer out;
    private final int width;
    private final StringBuilder line = new StringBuilder();

    WrappingWriter(Writer out, int width) {
        this.out = out;
        this.width = width;
    }

    /** A text report written to {@code out}. */
    interface Report {
        void write(Writer out) throws IOException;
    }

    /** Writes {@code report} to {@code out}, wrapped to the terminal's width when it goes to one. */
    static void fitted(Writer out, Report report) throws IOException {
        int columns = TerminalWidth.columns();
        if (columns <= 0) {
            report.write(out);
            return;
        }
        Writer fitted = new WrappingWriter(out, columns);
        report.write(fitted);
        fitted.flush();
    }

    @Override
    public void write(char[] text, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            if (text[i] == '\n') {
                writeLine();
                out.write('\n');
            } else {
                line.append(text[i]);
            }
        }
    }

    private void writeLine() throws IOException {
        out.write(String.join("\n", TextFit.wrap(line.toString(), width)));
        line.setLength(0);
    }

    /** Writes a last line that has no newline yet, then flushes. */
    @Override
    public void flush() throws IOException {
        if (!line.isEmpty()) {
            writeLine();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
