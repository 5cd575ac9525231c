package dev.modelsummary.cli;

import java.util.Optional;
import java.util.Set;

/**
 * The command lines most runs are, recognised without picocli: {@code MODEL} alone, with at most one
 * {@code -f}/{@code --format FORMAT} and one {@code --summary} (or {@code --no-tensors}), in any order.
 *
 * <p>Why: building picocli's command model costs about 80 ms of a 250 ms run, whatever the arguments. It reads
 * every option's annotations by reflection, which makes a dynamic proxy class per annotation type, and it loads
 * about 170 picocli classes that the class-data-sharing archive cannot hold (they are Java 5 bytecode, so they
 * are parsed and verified on every run). A summary of a 1.2 GB checkpoint reads 76 KB of it, so that cost was
 * most of what a user waited for.
 *
 * <p>The rule that keeps this safe: it accepts only what picocli parses to exactly these values, and gives
 * everything else to picocli (help, every other option, a subcommand, an {@code @file} argument, {@code --}, a
 * repeated option, a value picocli would refuse), so errors and help have one source. PlainInvocationTest
 * checks each accepted command line against picocli's own parse of it.
 */
record PlainInvocation(String model, OutputFormat format, boolean summaryOnly) {

    private static final Set<String> FORMAT_OPTIONS = Set.of("-f", "--format");
    private static final Set<String> SUMMARY_OPTIONS = Set.of("--summary", "--no-tensors");
    private static final Set<String> SUBCOMMANDS = Set.of("diff", "site");

    /** The invocation {@code args} is, when it is one of the plain ones; else empty (picocli's to parse). */
    static Optional<PlainInvocation> parse(String[] args) {
        String model = null;
        OutputFormat format = null;
        boolean summaryOnly = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (FORMAT_OPTIONS.contains(arg) || arg.startsWith("--format=")) {
                String value = arg.startsWith("--format=") ? arg.substring("--format=".length())
                        : i + 1 < args.length ? args[++i] : null;
                if (format != null || value == null || value.startsWith("-") || value.startsWith("@")) {
                    return Optional.empty();
                }
                format = formatOrNull(value);
                if (format == null) {
                    return Optional.empty();
                }
            } else if (SUMMARY_OPTIONS.contains(arg)) {
                if (summaryOnly) {
                    return Optional.empty();
                }
                summaryOnly = true;
            } else if (model == null && isPlainModel(arg) && !SUBCOMMANDS.contains(arg)) {
                model = arg;
            } else {
                return Optional.empty();
            }
        }
        if (model == null) {
            return Optional.empty();
        }
        return Optional.of(new PlainInvocation(model, format == null ? OutputFormat.MD : format, summaryOnly));
    }

    /** {@code --version} or {@code -V} alone. */
    static boolean isVersion(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /**
     * A MODEL picocli takes as the positional as it is: not an option or something like one, not an argument file
     * ({@code @path}), not empty.
     */
    private static boolean isPlainModel(String arg) {
        return !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@");
    }

    private static OutputFormat formatOrNull(String value) {
        try {
            return OutputFormat.parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
