package dev.modelsummary.cli;

import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.DetailLines;
import dev.modelsummary.report.PieChart;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.summary.ModuleTree;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code model-summary MODEL}: the one command. */
@Command(name = "model-summary",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        usageHelpWidth = 80,
        header = {
            "What is inside this model, and what does it cost to run? Lists the",
            "parameter tensors of a built-in architecture, a config.json or a weight",
            "file: counts, forms (rank of the squeezed shape), bytes by dtype.",
            ""},
        descriptionHeading = "%n",
        description = {
            "Weight files are read header-only; nothing in a file is executed.",
            "Formats: safetensors, PyTorch and TorchScript (.pth .pt .bin .ckpt),",
            "GGUF, ONNX, NumPy, Keras, TF.js; shards and folders: docs/formats.md.",
            ""},
        footerHeading = "%nExamples:%n",
        // Every footer line fits 55 columns, picocli's narrowest automatic width: picocli wraps a footer line
        // that is too long at any space, which split an example from its comment (or a path in two). Each
        // example's comment is on a line of its own for the same reason. More in docs/usage.md.
        footer = {
            "  model-summary vit_l_16",
            "      the published page, on stdout",
            "  model-summary model.safetensors -f text --summary",
            "      totals, dtypes and forms, no tensor table",
            "  model-summary --list bert",
            "      built-ins whose name has 'bert', with sizes",
            "  model-summary gpt2 --memory --fits 24GiB",
            "      memory to run and train; what fits 24 GiB",
            "  model-summary resnet50 --compute -f text",
            "      FLOPs, shapes and activations per module",
            "  model-summary hf://openai-community/gpt2",
            "      a Hub repository, header bytes only",
            "  model-summary diff resnet50 finetuned.pth",
            "      what differs, tensor by tensor",
            "",
            "Exit codes (docs/usage.md):",
            "  0  success",
            "  1  internal error: a bug (report it with -v)",
            "  2  the command line's fault: an option, an --arg",
            "     or --key value, an unknown model name",
            "  3  the input's fault: a file or config.json that",
            "     cannot be read or is refused, a network",
            "     failure; or output that cannot be written",
            "  4  --strict: a pickle imports something that can",
            "     run code (the report is written)",
            "  5  diff: the two models differ"})
public final class ModelSummaryCommand implements Callable<Integer> {
    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "MODEL", completionCandidates = CompletionScript.BuiltinNames.class,
            description = "A built-in (see --list), a weight file or folder, a config.json, an http(s) URL, or "
                    + "hf://REPO[@REVISION][/FILE].")
    private String model;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = FormatConverter.class,
            defaultValue = "md", description = "md (the published page, the default), text, json or html (a "
                    + "self-contained page).")
    private OutputFormat format;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Write files under DIR instead of printing (the layout: docs/usage.md).")
    private Path out;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "The model's name in the report (default: the built-in's, or the file's stem).")
    private String name;

    @Mixin
    private ModelOptions modelOptions = new ModelOptions();

    @Mixin
    private ComputeOptions computeOptions = new ComputeOptions();

    @Mixin
    private MemoryOptions memoryOptions = new MemoryOptions();

    @Option(names = "--depth", paramLabel = "N", description = "With -f text or json: the parameters per module "
            + "to depth N (0 to " + ModuleTree.DEFAULT_MAX_DEPTH + "). With --compute: the call tables' depth "
            + "(default 3).")
    private Integer depth;

    @Option(names = {"--summary", "--no-tensors"}, description = "Leave out the per-tensor table: totals, dtypes, "
            + "forms, file facts and the sections asked for.")
    private boolean summaryOnly;

    @Option(names = "--include-buffers",
            description = "Count buffers as parameter tensors in md, text and html (JSON marks their role).")
    private boolean includeBuffers;

    @Option(names = "--strict", description = "Exit 4, after the report, when a pickle imports something that can "
            + "run code (else a warning).")
    private boolean strict;
    @Option(names = {"-l", "--list"}, paramLabel = "PATTERN", arity = "0..1", fallbackValue = "",
            completionCandidates = CompletionScript.BuiltinNames.class,
            description = "List the built-ins with their sizes and exit; a PATTERN (text or glob) filters them.")
    private String list;

    @Option(names = "--no-chart", description = "With --out and md: the pages without their PNG charts.")
    private boolean noChart;

    @Option(names = "--all", description = "Every built-in with default arguments, under --out DIR.")
    private boolean all;

    @Option(names = "--completion", paramLabel = "SHELL",
            description = "Print the bash or zsh completion script and exit (install: docs/usage.md).")
    private CompletionShell completion;

    @Option(names = "--help-limits", description = "Print the reader limits and their defaults and exit.")
    private boolean helpLimits;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "With --list: each builder's arguments. With an error: its stack trace.")
    boolean verbose;

    private final ModelLoader loader;
    private final PrintWriter stdout;
    private final PrintWriter stderr;

    /** {@code stdout} and {@code stderr}: the streams picocli is given too (its help, its usage errors). */
    public ModelSummaryCommand(ModelLoader loader, PrintWriter stdout, PrintWriter stderr) {
        this.loader = loader;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** A run {@link PlainInvocation} recognised: what picocli would have set, then the same {@link #call}. */
    int call(PlainInvocation plain) throws IOException {
        model = plain.model();
        format = plain.format();
        summaryOnly = plain.has(PlainInvocation.Flag.SUMMARY);
        includeBuffers = plain.has(PlainInvocation.Flag.INCLUDE_BUFFERS);
        strict = plain.has(PlainInvocation.Flag.STRICT);
        computeOptions.request(plain.has(PlainInvocation.Flag.COMPUTE));
        memoryOptions.request(plain.has(PlainInvocation.Flag.MEMORY));
        return call();
    }

    @Override
    public Integer call() throws IOException {
        if (completion != null) {
            // generated from this command's own model, so it always names the options the jar has
            stdout.print(CompletionScript.bash(spec.name(), spec.commandLine()));
            stdout.flush();
            return ExitCode.OK;
        }
        if (helpLimits) {
            LimitsHelp.print(stdout);
            stdout.flush();
            return ExitCode.OK;
        }
        if (list != null) {
            // 'model-summary resnet --list' filters like 'model-summary --list resnet'
            CatalogListing.print(loader.catalog(), list.isEmpty() ? model : list, verbose, stdout);
            stdout.flush();
            return ExitCode.OK;
        }
        if (noChart && (out == null || format != OutputFormat.MD)) {
            throw new CliException(ExitCode.USAGE, "--no-chart applies to Markdown pages written with --out.");
        }
        computeOptions.check(memoryOptions.requested());
        checkDepth();
        if (all) {
            return writeAll();
        }
        if (model == null) {
            throw new CliException(ExitCode.USAGE,
                    "missing MODEL: name a built-in architecture (see --list) or a weight file (see --help).");
        }
        Model loaded = withOverrides(modelOptions.load(loader, model));
        if (computeOptions.requested() || memoryOptions.requested()) {
            loaded = modelOptions.withConfigBeside(loader, model, loaded);
        }
        // Warnings cannot go into the published page; stderr is where every format shows them.
        Main.printWarnings(stderr, subject(), DetailLines.warnings(loaded, !strict));
        PickleScan scan = loaded.details().pickle();
        boolean dangerous = scan != null && scan.dangerous();
        Summary summary;
        try {
            summary = Summary.of(loaded);
        } catch (TotalsOverflowException e) {
            throw new CliException(ExitCode.INPUT, model + ": " + e.getMessage(), e);
        }
        summary = withDepth(computeOptions.apply(summary, loaded, subject()));
        ComputeOptions.warnIfPartial(summary, subject(), stderr);
        summary = memoryOptions.apply(summary, loaded, subject(), computeOptions);
        if (summaryOnly) {
            summary = summary.withoutTensorTable();
        }
        if (out == null) {
            write(summary, stdout);
            stdout.flush();
        } else {
            writeFiles(summary);
        }
        if (dangerous && strict) {
            throw new CliException(ExitCode.DANGEROUS_PICKLE, subject() + ": " + DetailLines.dangerWarning(scan));
        }
        return ExitCode.OK;
    }

    /** {@code --depth}: a module table in text and JSON; the published Markdown page has none. */
    private void checkDepth() {
        if (depth == null) {
            return;
        }
        if (depth < 0 || depth > ModuleTree.DEFAULT_MAX_DEPTH) {
            throw new CliException(ExitCode.USAGE, "--depth takes a depth from 0 to "
                    + ModuleTree.DEFAULT_MAX_DEPTH + ".");
        }
        if (format == OutputFormat.MD && !computeOptions.requested()) {
            throw new CliException(ExitCode.USAGE, "--depth needs -f text or -f json (add -f text), or --compute: "
                    + "the md page is the published one and has no module table.");
        }
        if (format == OutputFormat.HTML && !computeOptions.requested()) {
            throw new CliException(ExitCode.USAGE, "--depth applies to -f text and -f json; the html page shows "
                    + "every module, in its treemap and its module table.");
        }
    }

    /** The one line for a run that ran out of heap. */
    String outOfMemory() {
        String advice = "; raise the JVM heap (JAVA_OPTS / -Xmx) or lower a --limit.";
        return model == null ? "Out of memory summarizing the built-in models" + advice
                : subject() + ": Out of memory reading or summarizing this model" + advice;
    }

    /** The MODEL argument as messages name it: escaped, since it may be any path. */
    private String subject() {
        return Quote.bare(model);
    }

    /**
     * {@code --all --out DIR}: every built-in with default arguments, built and rendered in parallel, then
     * written all or nothing.
     */
    private int writeAll() throws IOException {
        if (out == null) {
            throw new CliException(ExitCode.USAGE, "--all writes files: give --out DIR.");
        }
        if (model != null || name != null || modelOptions.choosesModel()) {
            throw new CliException(ExitCode.USAGE, "--all takes no MODEL, --name, --key or builder arguments: "
                    + "it writes every built-in with its defaults.");
        }
        List<Model> models = loader.catalog().names().parallelStream()
                .map(n -> withOverrides(loader.catalog().build(n).orElseThrow()))
                .collect(Collectors.toList());
        models.forEach(m -> Main.printWarnings(stderr, m.name(), DetailLines.warnings(m, true)));
        List<AtomicOutput> outputs = models.parallelStream()
                .map(m -> stage(memoryOptions.applyOrWarn(withDepth(computeOptions.applyOrWarn(Summary.of(m), m,
                        Quote.bare(m.name()), stderr)), m, Quote.bare(m.name()), computeOptions, stderr)))
                .collect(Collectors.toList());
        AtomicOutput output = new AtomicOutput();
        outputs.forEach(output::addAll);
        commit(output, out, stdout);
        return ExitCode.OK;
    }

    /** {@code --depth} applied to the compute tables, when computed. */
    private Summary withDepth(Summary summary) {
        if (summary.compute() == null || depth == null) {
            return summary;
        }
        return summary.withCompute(summary.compute().withDepth(depth));
    }

    private Model withOverrides(Model loaded) {
        Model result = name == null ? loaded : loaded.withName(name);
        // JSON keeps every tensor's true role; --include-buffers only changes what md and text count as layers.
        if (includeBuffers && format != OutputFormat.JSON) {
            List<TensorEntry> tensors = result.tensors().stream()
                    .map(t -> t.role() == Role.BUFFER ? t.withRole(Role.PARAMETER, false) : t)
                    .collect(Collectors.toList());
            result = result.withTensors(tensors);
        }
        return result;
    }

    /** The report, streamed: never held whole, since a file may list millions of tensors. */
    private void write(Summary summary, Writer writer) throws IOException {
        format.write(summary, writer, moduleDepth());
    }

    private OptionalInt moduleDepth() {
        return depth == null ? OptionalInt.empty() : OptionalInt.of(depth);
    }

    /** The report as a file's content, streamed into the file when the output is committed. */
    private AtomicOutput.Content report(Summary summary) {
        return AtomicOutput.utf8(writer -> write(summary, writer));
    }

    private void writeFiles(Summary summary) throws IOException {
        String fileName = summary.name();
        if (!SAFE_FILE_NAME.matcher(fileName).matches()) {
            throw new CliException(ExitCode.USAGE, Quote.of(fileName) + " cannot name an output file; "
                    + "pass --name with letters, digits, '_', '-', '.' or '+'.");
        }
        commit(stage(summary), out, stdout);
    }

    /** The files one model's report is made of; each is rendered when it is written. */
    private AtomicOutput stage(Summary summary) {
        String fileName = summary.name();
        AtomicOutput output = new AtomicOutput();
        String folder = format == OutputFormat.MD ? pageFolder(summary.model()) : format.folder();
        output.add(out.resolve(folder).resolve(fileName + "." + format.extension()), report(summary));
        if (format == OutputFormat.MD && !noChart) {
            output.add(out.resolve("figs").resolve(fileName + "_pie_chart.png"),
                    file -> file.write(PieChart.png(summary)));
        }
        return output;
    }

    /**
     * Where {@code --out} puts a Markdown page: {@code image_model_info/} for a built-in image model, the folder
     * the original project published its (image) pages in, and {@code model_info/} for every other model
     * (language and video built-ins, files, configs). Both are siblings of {@code figs/}, so the page's
     * {@code ../figs/} link resolves from either.
     */
    private String pageFolder(Model model) {
        boolean image = model.isBuiltin() && loader.catalog().builder(model.source())
                .map(b -> "image".equals(b.task().modality())).orElse(false);
        return image ? "image_model_info" : "model_info";
    }

    /** Writes {@code output} (all or nothing) and lists the files on stdout; a failure names {@code out}. */
    static void commit(AtomicOutput output, Path out, PrintWriter stdout) {
        List<Path> written;
        try {
            written = output.commit(out);
        } catch (FileSystemException e) {
            throw new CliException(ExitCode.INPUT, "cannot write under " + Quote.bare(out) + ": " + reason(e) + ".",
                    e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, "cannot write under " + Quote.bare(out) + ": " + e.getMessage()
                    + ".", e);
        }
        written.forEach(path -> stdout.println(Quote.bare(path)));
        stdout.flush();
    }

    /** A FileSystemException's reason without the path it repeats ("Permission denied", "Not a directory"). */
    static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            // AtomicOutput says when it is a folder that is in the way of a file
            return (e.getReason() != null ? e.getReason() : "A file is in the way") + " of " + Quote.of(e.getFile());
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory: " + Quote.of(e.getFile());
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }
    /** picocli converter for {@code --format}. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        Quote.of(value) + " is not a format (expected md, json, text or html)");
            }
        }
    }
}
