package dev.modelsummary.testutil;

import dev.modelsummary.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Runs the command line once per argument, in one JVM, and prints {@code EXIT<TAB>STDERR-LINES<TAB>PATH} per run.
 * A test starts it in a JVM of its own with a small heap, to check what every committed file does there.
 */
public final class RunEach {
    private RunEach() {
    }

    public static void main(String[] paths) {
        PrintWriter report = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        for (String path : paths) {
            StringWriter err = new StringWriter();
            // The report itself is discarded: what counts here is that it is produced, or refused cleanly.
            PrintWriter out = new PrintWriter(Writer.nullWriter());
            int code = Main.execute(new String[] {path, "--format", "json"}, out, new PrintWriter(err));
            long lines = err.toString().lines().count();
            report.println(code + "\t" + lines + "\t" + path);
        }
    }
}
