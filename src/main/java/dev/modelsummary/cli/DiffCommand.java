package dev.modelsummary.cli;

import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.TensorData;
import dev.modelsummary.format.TensorDigest;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.DetailLines;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.summary.ModelDiff;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model-summary diff A B}: which tensors two models do not share, and how their totals differ. */
@Command(name = "diff",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        usageHelpWidth = 80,
        header = {
            "Compare two models tensor by tensor (exit code 5 when they differ).",
            "Lists what only A holds, what only B holds and what both hold with",
            "another shape, dtype, role, requires_grad or tie, then their totals",
            "and form split side by side.",
            ""},
        descriptionHeading = "%n",
        description = {
            "A and B are each a built-in name, a weight file or folder, a URL or",
            "hf://REPO, read as model-summary MODEL reads them. Tensors are",
            "matched by name over every state_dict entry (buffers and tied",
            "entries too). Values are compared only with --values.",
            ""},
        footerHeading = "%nExamples:%n",
        // Lines fit 55 columns, as the main command's footer does (see there).
        footer = {
            "  model-summary diff resnet50 resnet50 \\",
            "      --arg-b num_classes=10",
            "      what another head changes",
            "  model-summary diff resnet50 finetuned.pth",
            "      a checkpoint against the built-in",
            "  model-summary diff a.safetensors b.safetensors \\",
            "      -f json",
            "",
            "Exit codes:",
            "  0  A and B hold the same tensors (names, shapes,",
            "     dtypes, roles, ties; values too with --values)",
            "  1  internal error (a bug)",
            "  2  usage error: bad option, missing A or B,",
            "     unknown model name, bad builder argument",
            "  3  A or B cannot be read",
            "  5  A and B differ (the report is written too)",
            "",
            "--compute adds FLOPs, MACs and activations of A and",
            "B side by side (each on its default input, or the",
            "one --input-size/--batch/--seq-len give); both must",
            "be built-ins or config.json (else exit 2). They do",
            "not change the exit code: 5 means tensors differ.",
            "",
            "--values refuses (exit 2) a built-in, a config.json, a",
            "remote model and formats other than safetensors and",
            "torch.save ZIP."})
public final class DiffCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", completionCandidates = CompletionScript.BuiltinNames.class,
            description = "The first model (shown as ---, -).")
    private String modelA;

    @Parameters(index = "1", paramLabel = "B", completionCandidates = CompletionScript.BuiltinNames.class,
            description = "The second model (shown as +++, +).")
    private String modelB;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = ModelSummaryCommand.FormatConverter.class,
            defaultValue = "text", description = "Output format: text (aligned, like diff), md (tables), json, "
                    + "html (a self-contained page). Default: ${DEFAULT-VALUE}.")
    private OutputFormat format;

    @Mixin
    private ModelOptions modelOptions = new ModelOptions();

    @Mixin
    private ComputeOptions computeOptions = new ComputeOptions();

    @Option(names = "--arg-a", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A builder argument for A only, over --arg. Repeatable.")
    private Map<String, String> argsA = new LinkedHashMap<>();

    @Option(names = "--arg-b", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A builder argument for B only, over --arg. Repeatable.")
    private Map<String, String> argsB = new LinkedHashMap<>();

    @Option(names = "--key-a", paramLabel = "PATH", description = "--key for A only.")
    private String keyA;

    @Option(names = "--key-b", paramLabel = "PATH", description = "--key for B only.")
    private String keyB;

    @Option(names = "--values", description = "Also compare the stored values: read every tensor both list "
            + "with the same shape and dtype and compare a SHA-256 of its bytes (local safetensors files and "
            + "torch.save ZIP archives). Without it, values are not read.")
    private boolean values;

    @Option(names = "--max-rows", paramLabel = "N", description = "text, md and html: list at most N tensors per "
            + "section, then say how many more (default: all). JSON always lists all.")
    private Integer maxRows;

    private final ModelLoader loader;

    public DiffCommand(ModelLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        if (maxRows != null && maxRows < 0) {
            throw new CliException(ExitCode.USAGE, "--max-rows takes a number of rows, 0 or more.");
        }
        computeOptions.check(false);
        ModelDiff diff = withCompute(compare());
        PrintWriter stdout = spec.commandLine().getOut();
        int rows = maxRows == null ? Integer.MAX_VALUE : maxRows;
        format.writeDiff(diff, rows, stdout);
        stdout.flush();
        return diff.noDifference() ? ExitCode.OK : ExitCode.DIFFERENT;
    }

    private ModelDiff compare() {
        try {
            if (!values) {
                Model a = load(modelA, modelOptions.forSide(argsA, keyA));
                Model b = load(modelB, modelOptions.forSide(argsB, keyB));
                return ModelDiff.of(a, b);
            }
            TensorData.Recorded<Model> a = loadLocated("A", modelA, modelOptions.forSide(argsA, keyA));
            TensorData.Recorded<Model> b = loadLocated("B", modelB, modelOptions.forSide(argsB, keyB));
            ModelDiff diff = ModelDiff.of(a.value(), b.value());
            return diff.withValues(compareValues(a, b));
        } catch (TotalsOverflowException e) {
            throw new CliException(ExitCode.INPUT, e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // both models are held at once; Main's own handler would name the summary command's MODEL
            throw new CliException(ExitCode.INPUT, Quote.bare(modelA) + " and " + Quote.bare(modelB)
                    + ": Out of memory reading or comparing them; raise the JVM heap (JAVA_OPTS / -Xmx) or lower "
                    + "a --limit.", e);
        }
    }

    /**
     * {@code --compute}: each side's forward pass on shapes, beside the comparison (which it does not change). A
     * side without one (a weight file) is refused before either is run.
     */
    private ModelDiff withCompute(ModelDiff diff) {
        if (!computeOptions.requested()) {
            return diff;
        }
        String subjectA = "A (" + Quote.of(modelA) + ")";
        String subjectB = "B (" + Quote.of(modelB) + ")";
        if (diff.b().model().architecture() == null && diff.a().model().architecture() != null) {
            computeOptions.apply(diff.b(), diff.b().model(), subjectB); // refuses B before A runs
        }
        Summary a = computeOptions.apply(diff.a(), diff.a().model(), subjectA);
        Summary b = computeOptions.apply(diff.b(), diff.b().model(), subjectB);
        return new ModelDiff(a, b, diff.onlyInA(), diff.onlyInB(), diff.changed(), diff.same(), diff.values());
    }

    /** One side for {@code --values}: a local file, loaded while its readers note where each tensor's data is. */
    private TensorData.Recorded<Model> loadLocated(String side, String model, ModelOptions options) {
        if (loader.isBuiltin(model)) {
            throw new CliException(ExitCode.USAGE, "--values compares stored values; " + side + " ("
                    + Quote.of(model) + ") is a built-in architecture, which has none.");
        }
        if (ModelLoader.isRemote(model)) {
            throw new CliException(ExitCode.USAGE, "--values reads local files only; " + side + " ("
                    + Quote.of(model) + ") is remote.");
        }
        return TensorData.recording(() -> load(model, options));
    }

    /**
     * Hashes the bytes of every tensor pair both sides list with the same shape and dtype, one tensor at a
     * time. Every location is checked before anything is read: a side whose reader does not say where its
     * tensors' data is (a format other than safetensors and torch.save ZIP, a config.json, a meta tensor) is
     * refused with one line, exit 2.
     */
    private ModelDiff.Values compareValues(TensorData.Recorded<Model> a, TensorData.Recorded<Model> b) {
        List<TensorEntry[]> pairs = ModelDiff.comparable(a.value(), b.value());
        for (TensorEntry[] pair : pairs) {
            requireLocation("A", modelA, a, pair[0]);
            requireLocation("B", modelB, b, pair[1]);
        }
        List<TensorEntry> differ = new ArrayList<>();
        ProgressBar bar = ProgressBar.on(spec.commandLine().getErr(), pairs.size(), true);
        try {
            for (TensorEntry[] pair : pairs) {
                byte[] digestA = digest(modelA, a.locations().get(pair[0].name()));
                byte[] digestB = digest(modelB, b.locations().get(pair[1].name()));
                if (!MessageDigest.isEqual(digestA, digestB)) {
                    differ.add(pair[0]);
                }
                bar.step(pair[0].name());
            }
        } finally {
            bar.finish();
        }
        return new ModelDiff.Values(pairs.size(), differ);
    }

    private static void requireLocation(String side, String model, TensorData.Recorded<Model> recorded,
                                        TensorEntry tensor) {
        if (recorded.locations().containsKey(tensor.name())) {
            return;
        }
        Model m = recorded.value();
        if (m.isBuiltin() || HfModels.CONFIG_FORMAT.equals(m.format())) {
            throw new CliException(ExitCode.USAGE, "--values compares stored values; " + side + " (" + Quote.of(model)
                    + ") is built from its arguments or config, which has none.");
        }
        String why = recorded.locations().isEmpty()
                ? "is a " + m.format() + " file whose reader does not say where tensor data lies"
                : "does not say where tensor " + Quote.of(tensor.name()) + " keeps its data (a meta or "
                        + "sparse tensor, or a storage outside the archive)";
        throw new CliException(ExitCode.USAGE, "--values reads the data of safetensors files and torch.save ZIP "
                + "archives; " + side + " (" + Quote.of(model) + ") " + why + ".");
    }

    private static byte[] digest(String model, TensorData.Location location) {
        try {
            return TensorDigest.sha256(location);
        } catch (FormatException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(model) + ": " + e.getMessage(), e);
        } catch (IOException | ArithmeticException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(model) + ": Cannot read a tensor's data: "
                    + Quote.bare(String.valueOf(e.getMessage())) + ".", e);
        }
    }

    /**
     * One side, loaded as the summary command loads a model, named with the builder arguments it was built
     * with ({@code resnet50 [num_classes=10]}), so that a built-in against itself shows which side is which.
     * Warnings go to stderr, as for the summary.
     */
    private Model load(String model, ModelOptions options) {
        Model loaded = options.load(loader, model);
        Main.printWarnings(spec.commandLine().getErr(), Quote.bare(model), DetailLines.warnings(loaded, true));
        Map<String, String> arguments = options.builderArguments();
        if (arguments.isEmpty()) {
            return loaded;
        }
        return loaded.withName(loaded.name() + arguments.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " [", "]")));
    }
}
