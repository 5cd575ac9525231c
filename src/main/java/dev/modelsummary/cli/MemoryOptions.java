package dev.modelsummary.cli;

import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.ComputeException;
import dev.modelsummary.compute.ComputeOverflowException;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.memory.ByteSize;
import dev.modelsummary.model.Model;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.MemoryEstimator;
import dev.modelsummary.summary.MemorySummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --memory} and {@code --fits}: how much memory the model takes to run and to train, and what fits a
 * budget. A picocli mixin beside {@link ComputeOptions}, whose {@code --batch}, {@code --seq-len} and
 * {@code --input-size} choose the input inference is estimated at.
 */
public final class MemoryOptions {

    @Option(names = "--memory", description = "Also the memory it takes (docs/memory.md): weights per dtype, "
            + "inference with the KV cache, training per optimizer, accelerate's estimate.")
    private boolean memory;

    @Option(names = "--fits", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Whether each memory row fits SIZE (24GiB, 80GB, bytes), and the largest batch and "
                    + "length that do.")
    private Long fits;

    /** Whether the memory section is asked for ({@code --memory}, or {@code --fits}, which implies it). */
    public boolean requested() {
        return memory || fits != null;
    }

    /** {@code --memory} given or not, for a command line parsed without picocli ({@link PlainInvocation}). */
    void request(boolean given) {
        memory = given;
    }

    /** {@code --fits}' bytes, or null. */
    Long budget() {
        return fits;
    }

    /**
     * The summary with its memory section, or unchanged without {@code --memory}/{@code --fits}.
     *
     * @param subject the model as messages name it (escaped)
     */
    Summary apply(Summary summary, Model model, String subject, ComputeOptions computeOptions) {
        if (!requested()) {
            return summary;
        }
        Architecture architecture = model.architecture();
        ModelInput input = null;
        if (architecture == null) {
            computeOptions.refuseInputWithoutForward(subject);
        } else {
            input = computeOptions.input(architecture.defaultInput(), subject);
        }
        ComputeSummary computed = summary.compute();
        MemoryEstimator.Probe probe = in -> {
            // shapes compared, not the records: a record's equals is an invokedynamic bootstrap on its first call
            if (computed != null && computed.input().kind() == in.kind()
                    && computed.input().shape().equals(in.shape())) {
                return new MemoryEstimator.Forward(computed.activations(), computed.partial());
            }
            try {
                return new MemoryEstimator.Forward(ComputeSummary.activations(architecture.trace(in).calls()), null);
            } catch (PartialTraceException e) {
                return new MemoryEstimator.Forward(ComputeSummary.activations(e.calls()), e.getMessage());
            }
        };
        try {
            MemorySummary result = MemoryEstimator.of(summary, input, probe, fits);
            return summary.withMemory(result);
        } catch (ComputeOverflowException | ArithmeticException e) {
            throw new CliException(ExitCode.INPUT, subject + ": memory totals pass 2^63-1 bytes.", e);
        } catch (ComputeException e) {
            throw new CliException(ExitCode.INPUT, subject + ": " + ComputeOptions.where(e) + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            throw new CliException(ExitCode.INPUT, subject + ": cannot compute: " + e.getMessage() + ".", e);
        }
    }

    /**
     * {@link #apply} for one model of many ({@code --all}): a model whose memory cannot be estimated keeps its
     * listing without it, and the reason goes to {@code err} as a warning line.
     */
    Summary applyOrWarn(Summary summary, Model model, String subject, ComputeOptions computeOptions,
                        java.io.PrintWriter err) {
        try {
            return apply(summary, model, subject, computeOptions);
        } catch (CliException e) {
            Main.warnListedWithout(err, subject, e, "memory");
            return summary;
        }
    }

    /** {@code --fits SIZE}: a size or a usage error naming the spellings it takes. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return ByteSize.parse(value).filter(b -> b > 0).orElseThrow(() -> new TypeConversionException(
                    Quote.of(value) + " is not a memory size (expected e.g. 24GiB, 80GB, 512MiB or a byte count, "
                            + "above 0 and at most 2^63-1 bytes)"));
        }
    }
}
