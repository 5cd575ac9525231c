package dev.modelsummary.cli;

/** The exit-code table (README and docs/usage.md, "Exit codes"). */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** An internal error: a bug in model-summary. */
    public static final int INTERNAL = 1;
    /**
     * A usage error, the command line's fault: a bad option, a missing argument, an unknown model name, a builder
     * argument refused, a {@code --key} the checkpoint lacks.
     */
    public static final int USAGE = 2;
    /**
     * Input that cannot be read (missing, truncated, corrupt, unsupported, over a limit; a config.json whose own
     * values are refused) or output that cannot be written.
     */
    public static final int INPUT = 3;
    /** {@code --strict}: a pickle in the file imports a global that can run code. The report is still written. */
    public static final int DANGEROUS_PICKLE = 4;
    /** {@code diff}: the two models hold different tensors. The report is still written. */
    public static final int DIFFERENT = 5;

    private ExitCode() {
    }
}
