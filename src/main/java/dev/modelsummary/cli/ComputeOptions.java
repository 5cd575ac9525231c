package dev.modelsummary.cli;

import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.ComputeException;
import dev.modelsummary.compute.ComputeOverflowException;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --compute} and the input it runs on: a picocli mixin, so the summary, {@code site} and {@code diff}
 * commands take the same options and refuse the same inputs.
 */
public final class ComputeOptions {
    /** Far beyond any real input, far below where a shape's element count overflows. */
    private static final long MAX_DIMENSION = 1L << 31;

    @Option(names = "--compute", description = "Also what one forward pass costs, on shapes: each module "
            + "call's shapes, FLOPs (torch's FlopCounterMode) and activations. Built-ins and config.json.")
    private boolean compute;

    @Option(names = "--input-size", paramLabel = "N,C,H,W", split = ",", hideParamSyntax = true,
            description = "The input shape for --compute, --memory, --fits (8,3,320,320; text batch,seq_len). "
                    + "Default: 1 image at the weights' crop size, text 1,128.")
    private long[] inputSize;

    @Option(names = "--batch", paramLabel = "N", description = "The batch size for --compute, --memory, --fits "
            + "(default 1).")
    private Long batch;

    @Option(names = "--seq-len", paramLabel = "N", description = "A text model's sequence length for --compute, "
            + "--memory, --fits (default " + ModelInput.DEFAULT_SEQ_LEN + ").")
    private Long seqLen;

    /** Whether {@code --compute} was given. */
    public boolean requested() {
        return compute;
    }

    /** {@code --compute} given or not, for a command line parsed without picocli ({@link PlainInvocation}). */
    void request(boolean given) {
        compute = given;
    }

    /** Refuses input options without {@code --compute} or {@code --memory}: they would change nothing. */
    void check(boolean memory) {
        if (!compute && !memory && (inputSize != null || batch != null || seqLen != null)) {
            throw new CliException(ExitCode.USAGE, "--input-size, --batch and --seq-len apply with --compute, "
                    + "--memory or --fits.");
        }
        if (inputSize != null && (batch != null || seqLen != null)) {
            throw new CliException(ExitCode.USAGE, "--input-size gives the whole shape; do not add --batch or "
                    + "--seq-len to it.");
        }
        if (inputSize != null) {
            for (long d : inputSize) {
                positive("--input-size", d);
            }
        }
        if (batch != null) {
            positive("--batch", batch);
        }
        if (seqLen != null) {
            positive("--seq-len", seqLen);
        }
    }

    private static void positive(String option, long value) {
        if (value < 1 || value > MAX_DIMENSION) {
            throw new CliException(ExitCode.USAGE, option + " takes sizes from 1 to " + MAX_DIMENSION + ".");
        }
    }

    /** Refuses input options for a model without a forward pass (a weight file alone), which has no input. */
    void refuseInputWithoutForward(String subject) {
        if (inputSize != null || batch != null || seqLen != null) {
            throw new CliException(ExitCode.USAGE, subject + ": a weight file has no forward pass, so --input-size, "
                    + "--batch and --seq-len change nothing; give a built-in, a config.json, or a Hugging Face "
                    + "folder or hf:// repository with its config.json.");
        }
    }

    /**
     * The summary with what a forward pass of {@code model} costs at the input asked for, or unchanged without
     * {@code --compute}.
     *
     * @param subject the model as messages name it (escaped)
     */
    Summary apply(Summary summary, Model model, String subject) {
        if (!compute) {
            return summary;
        }
        Architecture architecture = model.architecture();
        if (architecture == null) {
            throw new CliException(ExitCode.USAGE, subject + ": a weight file has no forward pass; --compute "
                    + "needs a built-in, a config.json, or a Hugging Face folder or hf:// repository with its "
                    + "config.json.");
        }
        ModelInput input = input(architecture.defaultInput(), subject);
        try {
            Trace trace = architecture.trace(input);
            return summary.withCompute(ComputeSummary.of(summary, input, trace));
        } catch (PartialTraceException e) {
            // a detector: exact up to the step whose size the image decides; the reports say where it stopped
            return summary.withCompute(ComputeSummary.partial(summary, input, e));
        } catch (ComputeOverflowException e) {
            throw new CliException(ExitCode.INPUT, subject + ": " + where(e) + e.getMessage(), e);
        } catch (ComputeException e) {
            throw new CliException(ExitCode.INPUT, subject + ": " + where(e) + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            throw new CliException(ExitCode.INPUT, subject + ": cannot compute: " + e.getMessage() + ".", e);
        }
    }

    /**
     * {@link #apply} for one model of many ({@code --all}): a model whose forward pass fails keeps its listing
     * without compute, and the reason goes to {@code err} as a warning line.
     */
    Summary applyOrWarn(Summary summary, Model model, String subject, java.io.PrintWriter err) {
        try {
            Summary computed = apply(summary, model, subject);
            warnIfPartial(computed, subject, err);
            return computed;
        } catch (CliException e) {
            Main.warnListedWithout(err, subject, e, "compute");
            return summary;
        }
    }

    /** One warning line when the forward pass stopped where the data decides (the reports say it too). */
    static void warnIfPartial(Summary summary, String subject, java.io.PrintWriter err) {
        if (summary.compute() != null && summary.compute().partial() != null) {
            synchronized (err) {
                Main.printWarnings(err, subject, List.of("compute is partial: " + summary.compute().partial()));
            }
        }
    }

    static String where(ComputeException e) {
        String path = e.path();
        return path == null ? "" : (path.isEmpty() ? "the model" : Quote.bare(path)) + ": ";
    }

    /** The default input with the options applied; a shape of the wrong kind is refused in one line. */
    ModelInput input(ModelInput defaults, String subject) {
        ModelInput.Kind kind = defaults.kind();
        if (seqLen != null && kind != ModelInput.Kind.TEXT) {
            throw new CliException(ExitCode.USAGE, subject + ": --seq-len applies to text models; this one takes "
                    + describe(defaults) + " (use --input-size).");
        }
        if (inputSize != null) {
            if (inputSize.length != defaults.shape().rank()) {
                throw new CliException(ExitCode.USAGE, subject + ": --input-size " + join(inputSize)
                        + " has " + inputSize.length + " dimensions; this model takes " + describe(defaults) + ".");
            }
            return new ModelInput(kind, Shape.of(inputSize));
        }
        ModelInput input = batch == null ? defaults : defaults.withBatch(batch);
        if (seqLen != null) {
            input = ModelInput.text(input.batch(), seqLen);
        }
        return input;
    }

    /** {@code images (N, C, H, W) such as 1,3,224,224}. */
    static String describe(ModelInput input) {
        return input.kind().describe() + " such as " + join(input.shape().dims());
    }

    private static String join(long[] dims) {
        return String.join(",", Arrays.stream(dims).mapToObj(Long::toString).toList());
    }
}
