package dev.modelsummary.cli;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The command lines most runs are, recognised without picocli: {@code MODEL} with at most one
 * {@code -f}/{@code --format FORMAT} and any of the {@link Flag}s ({@code --summary}, {@code --memory},
 * {@code --compute}, {@code --include-buffers}, {@code --strict}), each once, in any order.
 *
 * <p>Why: building picocli's command model costs about 80 ms of a 250 ms run, whatever the arguments. It reads
 * every option's annotations by reflection, which makes a dynamic proxy class per annotation type, and it loads
 * about 170 picocli classes. A summary of a 1.2 GB checkpoint reads 76 KB of it, so that cost was most of what
 * a user waited for.
 *
 * <p>The rule that keeps this safe: it accepts only what picocli parses to exactly these values, and gives
 * everything else to picocli (help, every other option, an option's value, a subcommand, an {@code @file}
 * argument, {@code --}, a repeated option, a value picocli would refuse), so errors and help have one source.
 * PlainInvocationTest checks each accepted command line against picocli's own parse of it.
 */
record PlainInvocation(String model, OutputFormat format, Set<Flag> flags) {

    /** The switches a plain command line may hold: options without a value, each under its names. */
    enum Flag {
        SUMMARY("--summary", "--no-tensors"),
        MEMORY("--memory"),
        COMPUTE("--compute"),
        INCLUDE_BUFFERS("--include-buffers"),
        STRICT("--strict");

        private final Set<String> names;

        Flag(String... names) {
            this.names = Set.of(names);
        }

        /** Its names, as the command's {@code @Option} gives them. */
        Set<String> names() {
            return names;
        }

        static Optional<Flag> named(String arg) {
            for (Flag flag : values()) {
                if (flag.names.contains(arg)) {
                    return Optional.of(flag);
                }
            }
            return Optional.empty();
        }
    }

    private static final Set<String> FORMAT_OPTIONS = Set.of("-f", "--format");
    private static final Set<String> SUBCOMMANDS = Set.of("diff", "site");

    PlainInvocation {
        flags = Set.copyOf(flags);
    }

    boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** The invocation {@code args} is, when it is one of the plain ones; else empty (picocli's to parse). */
    static Optional<PlainInvocation> parse(String[] args) {
        String model = null;
        OutputFormat format = null;
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            Optional<Flag> flag = Flag.named(arg);
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
            } else if (flag.isPresent()) {
                if (!flags.add(flag.get())) {
                    return Optional.empty(); // given twice: picocli's to refuse
                }
            } else if (model == null && isPlainModel(arg) && !SUBCOMMANDS.contains(arg)) {
                model = arg;
            } else {
                return Optional.empty();
            }
        }
        if (model == null) {
            return Optional.empty();
        }
        return Optional.of(new PlainInvocation(model, format == null ? OutputFormat.MD : format, flags));
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
