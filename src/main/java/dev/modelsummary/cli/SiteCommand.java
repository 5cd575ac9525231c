package dev.modelsummary.cli;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.ComputeException;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.summary.MemoryEstimator;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.report.DetailLines;
import dev.modelsummary.report.PieChart;
import dev.modelsummary.report.SiteRank;
import dev.modelsummary.site.GroupData;
import dev.modelsummary.site.PageFormat;
import dev.modelsummary.site.PageRankUpdate;
import dev.modelsummary.site.RankingPage;
import dev.modelsummary.site.SiteDataException;
import dev.modelsummary.site.SiteEntry;
import dev.modelsummary.site.SiteGroup;
import dev.modelsummary.site.SiteIndex;
import dev.modelsummary.site.SiteJson;
import dev.modelsummary.site.SiteReadme;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.summary.ComputeSummary;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.summary.TotalsOverflowException;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code model-summary site --out DIR [--all] [MODEL...]}: a static catalog to browse on GitHub or from disk.
 * Every model is built (or read) and summarized in parallel, its page and chart rendered; the groups' data
 * from earlier runs is merged with the new models, and the rankings, {@code data.json} files, the root
 * {@code README.md} and {@code index.html} are made from the merged data. Everything is written all or
 * nothing, in a fixed order with no timestamps: the same inputs give the same bytes.
 */
@Command(name = "site",
        versionProvider = VersionProvider.class,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        usageHelpWidth = 80,
        header = {
            "Write a browsable catalog: a page per model, group rankings, index.html.",
            ""},
        descriptionHeading = "%n",
        description = {
            "Layout under DIR: <modality>/<task>/NAME.md (the page), NAME.html (the same",
            "model as an HTML page, which index.html opens) and",
            "<modality>/<task>/figs/NAME_pie_chart.png, <modality>/<task>/README.md (the",
            "group's ranking by parameters, then by FLOPs), json/<modality>/<task>/data.json",
            "(each model's totals), README.md (the groups) and index.html (every model,",
            "largest first, sortable and filterable). Built-ins and config.json models",
            "are also run on shapes at their default input (as --compute does) for their",
            "FLOPs; a model whose forward cannot be counted gets a warning and a dash, as",
            "files do.",
            "Files given as MODEL go to files/. A later run into the same DIR merges its",
            "models into the groups' data.json and redoes the rankings and the index;",
            "pages written earlier stay.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  model-summary site --out docs --all",
            "      every built-in model",
            "  model-summary site --out docs resnet50 m.safetensors",
            "      chosen models and files, merged into docs",
            "  model-summary site --out docs --all --format html",
            "      HTML pages instead of Markdown"})
public final class SiteCommand implements Callable<Integer> {
    /** The most threads {@code --jobs} takes. */
    private static final int MAX_JOBS = 1024;
    private static final int MAX_PAGE_NAME = 200;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "MODEL", completionCandidates = CompletionScript.BuiltinNames.class,
            description = "A built-in architecture (see model-summary --list), a weight file or folder, a URL or hf://REPO, "
                    + "as the summary command takes them. Files go to the group 'files'.")
    private List<String> models = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "The site's folder.")
    private Path out;

    @Option(names = "--all", description = "Every built-in architecture with default arguments (besides any MODEL).")
    private boolean all;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = PageFormatConverter.class,
            defaultValue = "md", description = "The pages' format: md (the published page and its PNG chart) or "
                    + "html (self-contained pages). Default: ${DEFAULT-VALUE}.")
    private PageFormat format;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Models built and rendered at once (default: the number of cores).")
    private Integer jobs;

    @Option(names = "--no-progress", description = "No progress bar (it is drawn only when stderr is a terminal).")
    private boolean noProgress;

    @Mixin
    private ModelOptions modelOptions = new ModelOptions();

    private final ModelLoader loader;

    public SiteCommand(ModelLoader loader) {
        this.loader = loader;
    }

    /**
     * One model, built and summarized, with where its page goes and what one forward pass at its default input
     * costs ({@code input} and {@code flops} null without one; {@code computeWarning} says why, when it failed).
     */
    private record Built(String argument, String name, SiteGroup group, String source, Summary summary,
                         Summary htmlSummary, byte[] chart, Shape input, Long flops, Long inference,
                         String computeWarning) {
        SiteEntry entry(PageFormat format) {
            return SiteEntry.of(name, format.page(name), summary, source, input, flops, inference);
        }
    }

    /** FLOPs and inference bytes of a model at its default input, or why there are none. */
    private record Counted(ComputeSummary compute, Long inference, String warning) {
    }

    /** A model's result: built, or the failure to report. */
    private record Outcome(Built built, RuntimeException failure) {
    }

    @Override
    public Integer call() throws Exception {
        if (models.isEmpty() && !all) {
            throw new CliException(ExitCode.USAGE, "site: name the models (built-in names, files) or give --all.");
        }
        if (all && !modelOptions.builderArguments().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "site: --all builds every built-in with its defaults: --arg "
                    + "and its shorthands apply to MODELs named without --all.");
        }
        int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (threads < 1 || threads > MAX_JOBS) {
            throw new CliException(ExitCode.USAGE, "--jobs takes a number of threads from 1 to " + MAX_JOBS + ".");
        }
        List<String> inputs = new ArrayList<>(all ? loader.catalog().names() : List.of());
        inputs.addAll(models);
        PrintWriter stdout = spec.commandLine().getOut();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            List<Built> built = inPool(pool, () -> buildAll(inputs));
            checkPageNames(built);
            printWarnings(built);
            AtomicOutput output = stage(built);
            // in the pool, so that the files are rendered and written with --jobs threads too
            inPool(pool, () -> {
                ModelSummaryCommand.commit(output, out, stdout);
                return null;
            });
        } finally {
            pool.shutdown();
        }
        return ExitCode.OK;
    }

    /** Runs {@code work} in {@code pool}: parallel streams inside it use the pool's threads. */
    private static <T> T inPool(ForkJoinPool pool, Callable<T> work) throws Exception {
        try {
            return pool.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Every model built, summarized and its chart rendered, in parallel; in input order. The first failure in
     * input order (not the first to happen) is the one reported, so a run fails the same way every time.
     */
    private List<Built> buildAll(List<String> inputs) {
        ModelOptions withoutArguments = modelOptions.withoutBuilderArguments();
        ProgressBar bar = ProgressBar.on(spec.commandLine().getErr(), inputs.size(), !noProgress);
        List<Outcome> outcomes;
        try {
            outcomes = inputs.parallelStream().map(argument -> {
                try {
                    Built built = build(argument, withoutArguments);
                    bar.step(built.name());
                    return new Outcome(built, null);
                } catch (RuntimeException e) {
                    bar.step(argument);
                    return new Outcome(null, e);
                }
            }).collect(Collectors.toList());
        } finally {
            bar.finish();
        }
        for (Outcome outcome : outcomes) {
            if (outcome.failure() != null) {
                throw outcome.failure();
            }
        }
        return outcomes.stream().map(Outcome::built).collect(Collectors.toList());
    }

    private Built build(String argument, ModelOptions withoutArguments) {
        ModelOptions options = takesBuilderArguments(argument) ? modelOptions : withoutArguments;
        Model loaded = options.load(loader, argument);
        // the page names its chart after the model: both take the file-safe name
        Model model = loaded.withName(pageName(loaded.name()));
        Summary summary;
        try {
            summary = Summary.of(model);
        } catch (TotalsOverflowException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(argument) + ": " + e.getMessage(), e);
        }
        Optional<Builder> builder = model.isBuiltin() ? loader.catalog().builder(model.source()) : Optional.empty();
        // the group of this build: --arg architecture=BertForSequenceClassification files bert under text classification
        SiteGroup group = builder.map(b -> SiteGroup.of(b.taskFor(options.builderArguments())))
                .orElse(SiteGroup.FILES);
        String source = builder.map(Builder::source).orElse(SiteEntry.FILE_SOURCE);
        byte[] chart = format.pngChart() ? PieChart.png(summary) : null;
        Counted counted = count(summary);
        ComputeSummary compute = counted.compute();
        // the Markdown page is the published one and stays as it is; an HTML page shows the compute cards
        Summary html = compute != null ? summary.withCompute(compute) : summary;
        Summary page = format == PageFormat.HTML ? html : summary;
        return new Built(argument, model.name(), group, source, page, html, chart,
                compute == null ? null : compute.input().shape(), compute == null ? null : compute.flops(),
                counted.inference(), counted.warning());
    }

    /**
     * One forward pass on shapes at the model's default input. A weight file has none (no warning: it never
     * does), nor a detector, whose cost after NMS depends on the image; a built-in or config.json whose forward
     * refuses or is not written yet gets none, and a warning.
     */
    private static Counted count(Summary summary) {
        Architecture architecture = summary.model().architecture();
        if (architecture == null) {
            return new Counted(null, null, null);
        }
        try {
            ModelInput input = architecture.defaultInput();
            ComputeSummary compute = ComputeSummary.of(summary, input, architecture.trace(input));
            long inference = MemoryEstimator.storedInference(summary, input, compute.activations());
            return new Counted(compute, inference, null);
        } catch (PartialTraceException e) {
            // a detector: what runs after NMS depends on the image, so it has no one figure to rank by; by
            // design, not a problem to warn of (--compute shows the part before the stop)
            return new Counted(null, null, null);
        } catch (ComputeException | UnsupportedOperationException | ArithmeticException e) {
            return new Counted(null, null, "no FLOPs in the site: " + e.getMessage());
        }
    }

    private boolean takesBuilderArguments(String argument) {
        try {
            return !modelOptions.builderArguments().isEmpty() && loader.takesBuilderArguments(argument);
        } catch (IOException e) {
            return false; // reading it again reports the problem
        }
    }

    /**
     * A model's page name: a built-in's name is file-safe already ({@code timm-efficientnet_b0}); a file's
     * stem gets {@code _} for every character outside {@code [A-Za-z0-9_.+-]}, and a leading {@code _} when it
     * would start with {@code .}, {@code +} or {@code -}.
     */
    static String pageName(String modelName) {
        StringBuilder name = new StringBuilder(modelName.length() + 1);
        modelName.codePoints().limit(MAX_PAGE_NAME).forEach(c -> name.append(isSafe(c) ? (char) c : '_'));
        if (name.length() == 0 || !SiteEntry.SAFE_NAME.matcher(name.substring(0, 1)).matches()) {
            name.insert(0, '_');
        }
        return name.length() > MAX_PAGE_NAME ? name.substring(0, MAX_PAGE_NAME) : name.toString();
    }

    private static boolean isSafe(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "_.+-".indexOf(c) >= 0);
    }

    /**
     * Two models whose pages would be the same file, or a page that would be a file the site writes itself in
     * the group's folder (its ranking page {@code README.md}, for a file named {@code README.safetensors}): a
     * usage error naming both. Names are compared ignoring case, as macOS and Windows file systems do, where
     * {@code readme.md} is the ranking page too. Nothing else the site writes can be a page: {@code index.html}
     * and {@code json/.../data.json} are outside the group folders, and {@code figs/} and its charts
     * ({@code NAME_pie_chart.png}, one per distinct page name) have no page extension.
     */
    private void checkPageNames(List<Built> built) {
        Map<String, Built> pages = new HashMap<>();
        for (Built b : built) {
            String file = format.page(b.name());
            String page = b.group().path() + "/" + file;
            if (file.equalsIgnoreCase(GroupData.RANKING_PAGE)) {
                throw new CliException(ExitCode.USAGE, "site: " + Quote.of(b.argument()) + " would be written as "
                        + page + ", and " + b.group().path() + "/" + GroupData.RANKING_PAGE + " is the group's "
                        + "ranking page; rename the file.");
            }
            Built other = pages.putIfAbsent(page.toLowerCase(Locale.ROOT), b);
            if (other != null) {
                String otherPage = other.group().path() + "/" + format.page(other.name());
                throw new CliException(ExitCode.USAGE, "site: " + Quote.of(other.argument()) + " and "
                        + Quote.of(b.argument()) + " would both be written as " + otherPage
                        + (otherPage.equals(page) ? "" : " (and " + page + ", the same file where names ignore "
                        + "case)") + ".");
            }
        }
    }

    /**
     * A new page that is, ignoring case, the page of another model from an earlier run into the same folder
     * ({@code tiny.md} beside {@code Tiny.md}): one file on macOS and Windows, where the earlier page would be
     * overwritten while the ranking still lists both. A usage error naming both; the same name is an update.
     */
    private void checkEarlierPages(GroupData earlier, List<Built> models) {
        if (earlier == null) {
            return;
        }
        Map<String, SiteEntry> pages = new HashMap<>();
        earlier.models().stream().filter(e -> e.page() != null)
                .forEach(e -> pages.putIfAbsent(e.page().toLowerCase(Locale.ROOT), e));
        for (Built b : models) {
            String page = format.page(b.name());
            SiteEntry other = pages.get(page.toLowerCase(Locale.ROOT));
            if (other != null && !other.name().equals(b.name())) {
                String folder = earlier.group().path() + "/";
                throw new CliException(ExitCode.USAGE, "site: " + Quote.of(b.argument()) + " would be written as "
                        + folder + page + ", the same file where names ignore case as " + folder + other.page()
                        + ", the page of " + Quote.of(other.name()) + " from an earlier run; rename the file.");
            }
        }
    }

    /** Warnings go to stderr, as the summary prints them: a page has no place for them. */
    private void printWarnings(List<Built> built) {
        PrintWriter stderr = spec.commandLine().getErr();
        for (Built b : built) {
            Main.printWarnings(stderr, Quote.bare(b.argument()), DetailLines.warnings(b.summary().model(), true));
            if (b.computeWarning() != null) {
                Main.printWarnings(stderr, Quote.bare(b.argument()), List.of(b.computeWarning()));
            }
        }
    }

    /** Every file of the site: the new models' pages, their groups' rankings and data, the root pages. */
    private AtomicOutput stage(List<Built> built) {
        Map<SiteGroup, List<Built>> byGroup = new TreeMap<>(Comparator.comparing(SiteGroup::path));
        built.stream().sorted(Comparator.comparing(Built::name))
                .forEach(b -> byGroup.computeIfAbsent(b.group(), g -> new ArrayList<>()).add(b));
        Map<String, GroupData> before = readSite();
        byGroup.forEach((group, models) -> checkEarlierPages(before.get(group.path()), models));
        Map<String, GroupData> after = new TreeMap<>(before);
        byGroup.forEach((group, models) -> after.put(group.path(), before.getOrDefault(group.path(),
                GroupData.empty(group)).merge(models.stream().map(b -> b.entry(format)).toList())));
        AtomicOutput output = new AtomicOutput();
        byGroup.forEach((group, models) -> stageGroup(after.get(group.path()), models,
                before.get(group.path()), output));
        List<GroupData> groups = List.copyOf(after.values());
        output.add(out.resolve("README.md"), AtomicOutput.utf8(w -> SiteReadme.write(groups, w)));
        // a row opens the model's HTML page: this run's, or one an earlier run wrote (a site written before
        // Markdown pages had one links the Markdown page)
        Set<Path> written = output.paths();
        output.add(out.resolve("index.html"), AtomicOutput.utf8(w -> SiteIndex.write(groups,
                page -> written.contains(out.resolve(page)) || Files.isRegularFile(out.resolve(page),
                        LinkOption.NOFOLLOW_LINKS), w)));
        return output;
    }

    /** A group's new pages and charts, the rank lines of its earlier pages, its ranking and its data. */
    private void stageGroup(GroupData data, List<Built> models, GroupData before, AtomicOutput output) {
        Path folder = out.resolve(data.group().path());
        Map<String, SiteRank> ranks = data.ranks();
        for (Built b : models) {
            SiteRank rank = ranks.get(b.name());
            output.add(folder.resolve(format.page(b.name())), AtomicOutput.utf8(w -> format.write(b.summary(), w, rank)));
            format.companion().ifPresent(companion -> output.add(folder.resolve(companion.page(b.name())),
                    AtomicOutput.utf8(w -> companion.write(b.htmlSummary(), w, rank))));
            if (format.pngChart()) {
                output.add(folder.resolve(PageFormat.chart(b.name())), file -> file.write(b.chart()));
            }
        }
        if (before != null) {
            Set<String> written = models.stream().map(Built::name).collect(Collectors.toSet());
            updateRanks(before, ranks, written, folder, output);
        }
        output.add(folder.resolve(GroupData.RANKING_PAGE), AtomicOutput.utf8(w -> RankingPage.write(data, w)));
        output.add(dataFile(data.group()), AtomicOutput.utf8(w -> SiteJson.write(data, w)));
    }

    /**
     * The pages of earlier runs that this run does not write again get their new rank, where the page still
     * has the rank text the site wrote (exactly): a page edited since is left as it is.
     */
    private void updateRanks(GroupData before, Map<String, SiteRank> ranks, Set<String> written, Path folder,
                             AtomicOutput output) {
        Map<String, SiteRank> was = before.ranks();
        for (SiteEntry entry : before.models()) {
            Optional<PageFormat> pageFormat = PageFormat.ofPage(entry.page());
            if (written.contains(entry.name()) || pageFormat.isEmpty()) {
                continue;
            }
            updateRank(pageFormat.get(), folder.resolve(entry.page()), was.get(entry.name()),
                    ranks.get(entry.name()), output);
            // its HTML page beside it, where an earlier run wrote one
            Optional<PageFormat> companion = pageFormat.get().companion();
            if (companion.isPresent()) {
                updateRank(companion.get(), folder.resolve(companion.get().page(entry.name())),
                        was.get(entry.name()), ranks.get(entry.name()), output);
            }
        }
    }

    private void updateRank(PageFormat pageFormat, Path page, SiteRank was, SiteRank now, AtomicOutput output) {
        insideOut(page);
        try {
            PageRankUpdate.find(page, pageFormat.rankText(was), pageFormat.rankText(now))
                    .ifPresent(update -> output.add(page, update::writeTo));
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(page) + ": cannot read: " + e.getMessage() + ".", e);
        }
    }

    /**
     * Refuses a file of the site that would be read or written through a symbolic link under {@code --out}: it
     * may lead outside the site's folder. Checked before anything is read or written.
     */
    private void insideOut(Path file) {
        try {
            AtomicOutput.checkNoLinks(out, file);
        } catch (FileSystemException e) {
            throw new CliException(ExitCode.INPUT, "cannot write under " + Quote.bare(out) + ": "
                    + ModelSummaryCommand.reason(e) + ".", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, "cannot write under " + Quote.bare(out) + ": " + e.getMessage()
                    + ".", e);
        }
    }

    /** The data of every group the site already has, by path. */
    private Map<String, GroupData> readSite() {
        Map<String, GroupData> groups = new TreeMap<>();
        for (SiteGroup group : SiteGroup.all()) {
            Path file = dataFile(group);
            insideOut(file);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                groups.put(group.path(), readData(file, group));
            }
        }
        return groups;
    }

    /** A group's {@code data.json}, read with a bound; anything but what a site writes fails the run. */
    private static GroupData readData(Path file, SiteGroup group) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new SiteDataException("not a regular file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) SiteJson.MAX_BYTES + 1);
            }
            if (bytes.length > SiteJson.MAX_BYTES) {
                throw new SiteDataException("over the limit of " + (SiteJson.MAX_BYTES >> 20) + " MiB");
            }
            return SiteJson.read(bytes, group);
        } catch (SiteDataException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(file) + ": " + e.getMessage()
                    + "; nothing was written.", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, Quote.bare(file) + ": cannot read: " + e.getMessage()
                    + "; nothing was written.", e);
        }
    }

    private Path dataFile(SiteGroup group) {
        return out.resolve("json").resolve(group.path()).resolve("data.json");
    }

    /** picocli converter for {@code --format}. */
    static final class PageFormatConverter implements ITypeConverter<PageFormat> {
        @Override
        public PageFormat convert(String value) {
            return PageFormat.parse(value).orElseThrow(() -> new TypeConversionException(Quote.of(value)
                    + " is not a page format (expected md or html)"));
        }
    }
}
