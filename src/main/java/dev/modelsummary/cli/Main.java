package dev.modelsummary.cli;

import dev.modelsummary.remote.RemoteSettings;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.text.Quote;
import dev.modelsummary.text.Spelling;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

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
        return execute(args, out, err, System.getenv());
    }

    /** With the environment that remote reading takes {@code HF_ENDPOINT} and {@code HF_TOKEN} from. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        return execute(args, out, err, environment, true);
    }

    /**
     * {@code plain}: whether the command lines {@link PlainInvocation} knows skip picocli (tests turn it off to
     * compare both ways).
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment,
            boolean plain) {
        if (plain && PlainInvocation.isVersion(args)) {
            Arrays.stream(new VersionProvider().getVersion()).forEach(out::println);
            out.flush();
            return ExitCode.OK;
        }
        ModelLoader loader = ModelLoader.standard().withRemote(RemoteSettings.fromEnvironment(environment));
        ModelSummaryCommand command = new ModelSummaryCommand(loader, out, err);
        try {
            Optional<PlainInvocation> invocation = plain ? PlainInvocation.parse(args) : Optional.empty();
            if (invocation.isPresent()) {
                return callPlain(command, invocation.get(), err);
            }
            return commandLine(command, loader, out, err).execute(args);
        } catch (OutOfMemoryError e) {
            // Readers bound every size a file declares, but a file within every bound can still need more heap
            // than this JVM has (a million tensors under -Xmx64m). Whatever held the memory is unreachable now.
            return handle(new CliException(ExitCode.INPUT, command.outOfMemory(), e), command.verbose, err);
        } catch (StackOverflowError e) {
            // Readers bound depth; reaching this is a bug, still reported as one line.
            return handle(e, command.verbose, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** picocli's command line: every option, the subcommands, help and usage errors. */
    private static CommandLine commandLine(ModelSummaryCommand command, ModelLoader loader, PrintWriter out,
            PrintWriter err) {
        CommandLine cli = new CommandLine(command)
                .addSubcommand("diff", new DiffCommand(loader))
                .addSubcommand("site", new SiteCommand(loader))
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::handleParameterException)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, command.verbose, err));
        cli.getSubcommands().values().forEach(Main::describeInheritedVerbose);
        return cli;
    }

    /** A plain command line, run as picocli runs it: an exception from the command becomes one line. */
    private static int callPlain(ModelSummaryCommand command, PlainInvocation invocation, PrintWriter err) {
        try {
            return command.call(invocation);
        } catch (Exception e) {
            return handle(e, command.verbose, err);
        }
    }

    /**
     * {@code -v} is inherited by {@code diff} and {@code site}, which have no {@code --list}: their help says
     * only what it does there. The option is the same (it sets the top command's field), only its text changes.
     */
    private static void describeInheritedVerbose(CommandLine subcommand) {
        CommandSpec spec = subcommand.getCommandSpec();
        OptionSpec verbose = spec.findOption("--verbose");
        spec.remove(verbose);
        spec.addOption(verbose.toBuilder().description("With an error: its stack trace.").build());
    }

    /**
     * One diagnostic line: {@code model-summary: } and the message, escaped as a whole, so that whatever a
     * message holds (a value someone forgot to quote, an exception's text) it stays one line and sends no
     * control character to the terminal. The parts of a message are escaped where it is built too; escaping
     * twice changes nothing.
     */
    static String line(String message) {
        return PREFIX + Quote.bare(message);
    }

    /**
     * For one model of many ({@code --all}): {@code refusal}, a one-line error about {@code subject}, as a warning
     * that the model is listed without {@code what} (its compute, its memory); safe from parallel models.
     */
    static void warnListedWithout(PrintWriter err, String subject, CliException refusal, String what) {
        synchronized (err) {
            printWarnings(err, subject, List.of(refusal.getMessage().substring(subject.length() + 2)
                    + " (listed without " + what + ")"));
        }
    }

    /** Each warning as one line on stderr: {@code model-summary: warning: SUBJECT: ...}. */
    static void printWarnings(PrintWriter err, String subject, List<String> warnings) {
        warnings.forEach(w -> err.println(line("warning: " + subject + ": " + w)));
        err.flush();
    }

    private static int handleParameterException(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String message = String.valueOf(e.getMessage());
        String command = e.getCommandLine().getCommandSpec().qualifiedName(); // "model-summary diff" for diff
        String suggestion = e instanceof UnmatchedArgumentException unmatched ? nearestOption(unmatched) : null;
        if (suggestion != null) {
            message = (message.endsWith(".") ? message.substring(0, message.length() - 1) : message)
                    + "; did you mean " + suggestion + "?";
        }
        err.println(line(message + (message.endsWith(".") || message.endsWith("?") ? "" : ".") + " See '"
                + command + " --help'."));
        return ExitCode.USAGE;
    }

    /**
     * For a mistyped option ({@code --depht}), the command's option nearest its name by edit distance, when
     * near enough to be a typo; else null. The first unmatched argument that looks like an option is the one.
     */
    static String nearestOption(UnmatchedArgumentException e) {
        String typed = e.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
        if (typed == null) {
            return null;
        }
        String name = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        List<String> options = e.getCommandLine().getCommandSpec().options().stream()
                .flatMap(option -> Arrays.stream(option.names())).filter(n -> n.startsWith("--")).toList();
        return Spelling.nearest(name, options);
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
        err.println(line(message));
        if (verbose) {
            printStackTrace(e, err);
        }
        err.flush();
        return code;
    }

    /**
     * The stack trace {@code --verbose} asks for, with each exception's text escaped: the frames are code,
     * but a message may hold a name from the file.
     */
    private static void printStackTrace(Throwable e, PrintWriter err) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            err.println((t == e ? "" : "Caused by: ") + Quote.bare(t));
            for (StackTraceElement frame : t.getStackTrace()) {
                err.println("\tat " + frame);
            }
        }
    }
}
