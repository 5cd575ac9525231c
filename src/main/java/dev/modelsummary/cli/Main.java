package dev.modelsummary.cli;

import dev.modelsummary.format.Limits;
import dev.modelsummary.source.ModelLoader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Entry point: {@code System.exit(execute(args))}, with every failure mapped to one stderr line and an exit code. */
public final class Main {
    private static final String PREFIX = "model-summary: ";

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(args, out, err));
    }

    /** Runs the command with the given streams; returns the exit code. Tests call this directly. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        // --help lists the limits with their defaults; picocli reads ${sys:...} when it renders the usage.
        System.setProperty("model-summary.limits", Limits.DEFAULT.byName().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        ModelSummaryCommand command = new ModelSummaryCommand(ModelLoader.standard());
        CommandLine cli = new CommandLine(command)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::handleParameterException)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, command.verbose, err));
        try {
            return cli.execute(args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            // Readers bound depth and sizes; reaching this is a bug, still reported as one line.
            return handle(e, command.verbose, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int handleParameterException(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String message = e.getMessage();
        err.println(PREFIX + message + (message.endsWith(".") ? "" : ".") + " See 'model-summary --help'.");
        return ExitCode.USAGE;
    }

    private static int handle(Throwable e, boolean verbose, PrintWriter err) {
        int code;
        String message;
        if (e instanceof CliException cli) {
            code = cli.exitCode();
            message = cli.getMessage();
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)");
        }
        err.println(PREFIX + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
