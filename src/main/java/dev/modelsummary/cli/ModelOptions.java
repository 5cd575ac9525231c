package dev.modelsummary.cli;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.ConfigArgumentException;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.KeyNotFoundException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.format.UnsupportedOptionException;
import dev.modelsummary.model.Model;
import dev.modelsummary.remote.RemoteIOException;
import dev.modelsummary.remote.RemoteReferenceException;
import dev.modelsummary.source.ModelLoader;
import dev.modelsummary.source.UnknownModelException;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that say how a MODEL is built or read (builder arguments, reader limits, the checkpoint key, the
 * network timeout) and the one place that loads it and maps each failure to the exit-code table. A picocli
 * mixin: the summary, {@code site} and {@code diff} commands take the same options and fail the same way.
 */
public final class ModelOptions {
    @Option(names = {"-a", "--arg"}, paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A built-in's keyword argument (num_classes=10, a config key), repeatable; "
                    + "'model-summary --list --verbose' shows what each takes.")
    private Map<String, String> builderArgs = new LinkedHashMap<>();

    @Option(names = "--num-classes", paramLabel = "N", description = "Shorthand for --arg num_classes=N.")
    private Long numClasses;

    @Option(names = "--image-size", paramLabel = "N", description = "Shorthand for --arg image_size=N (ViT).")
    private Long imageSize;

    @Option(names = "--limit", paramLabel = "NAME=N",
            description = "Raise (or lower) one of the bounds a reader puts on what a file declares, for this run. "
                    + "Repeatable. The names and defaults: model-summary --help-limits.")
    private Map<String, String> limitOverrides = new LinkedHashMap<>();

    @Option(names = "--key", paramLabel = "PATH",
            description = "A PyTorch checkpoint's entry to read as the model (model.ema), instead of the one "
                    + "found by name.")
    private String key;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "URLs and hf://: give up on a file after SECONDS in all (default 30).")
    private Double timeoutSeconds;

    /**
     * These options without the builder arguments ({@code --arg} and its shorthands): {@code site} applies
     * those to the MODELs that take them and reads the others (files, {@code --all}) with the rest.
     */
    ModelOptions withoutBuilderArguments() {
        ModelOptions copy = forSide(Map.of(), null);
        copy.builderArgs = new LinkedHashMap<>();
        return copy;
    }

    /**
     * These options for one side of {@code diff}: {@code arguments} over the shared builder arguments (a key
     * in both takes the side's value, so {@code --arg num_classes=100 --arg-b num_classes=10} builds B with 10),
     * and {@code sideKey}, when not null, instead of {@code --key}. Limits and timeout are shared.
     */
    ModelOptions forSide(Map<String, String> arguments, String sideKey) {
        ModelOptions side = new ModelOptions();
        side.builderArgs = builderArguments(); // the shorthands folded in, and checked, once
        side.builderArgs.putAll(arguments);
        side.limitOverrides = limitOverrides;
        side.key = sideKey != null ? sideKey : key;
        side.timeoutSeconds = timeoutSeconds;
        return side;
    }

    /** Whether any option picks a model variant ({@code --arg}, a shorthand or {@code --key}). */
    boolean choosesModel() {
        return key != null || !builderArguments().isEmpty();
    }

    /**
     * Loads MODEL (a built-in name, a file, a URL) with these options; every failure becomes a one-line
     * {@link CliException} with the exit code from the table.
     */
    public Model load(ModelLoader base, String model) {
        ModelLoader loader = remoteLoader(base);
        String subject = Quote.bare(model);
        boolean builtin = loader.isBuiltin(model);
        Map<String, String> options = builderArguments();
        Limits limits = limits();
        try {
            if (!options.isEmpty() && !loader.takesBuilderArguments(model)) {
                throw new CliException(ExitCode.USAGE, "--arg, --num-classes and --image-size apply to built-in "
                        + "architectures and Hugging Face config.json files only; " + Quote.of(model)
                        + " is read from a file.");
            }
            return limits.using(() -> loader.load(model, options, new ReadOptions(key)));
        } catch (ConfigArgumentException e) {
            throw new CliException(ExitCode.USAGE, subject + ": " + e.getMessage(), e);
        } catch (ArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        } catch (UnknownModelException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        } catch (ConfigException e) {
            // a config file's own values the library would refuse: the input's fault (a refusal of --arg values
            // is an ArgumentException, above: Catalog.build tells the two apart)
            throw new CliException(ExitCode.INPUT, subject + ": " + e.getMessage(), e);
        } catch (UnsupportedOptionException e) {
            throw new CliException(ExitCode.USAGE, subject + ": " + e.getMessage(), e);
        } catch (KeyNotFoundException e) {
            throw new CliException(ExitCode.USAGE, subject + ": " + e.getMessage(), e); // --key is the command line's
        } catch (FormatException e) {
            throw new CliException(ExitCode.INPUT, subject + ": " + e.getMessage(), e);
        } catch (RemoteIOException e) {
            // the message names the URL; a URL argument is not named twice
            String message = e.getMessage().startsWith(model) ? e.getMessage() : subject + ": " + e.getMessage();
            throw new CliException(ExitCode.INPUT, message, e);
        } catch (RemoteReferenceException e) {
            throw new CliException(ExitCode.USAGE, subject + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.INPUT, subject + ": No such file or directory.", e);
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.INPUT, subject + ": Permission denied.", e);
        } catch (FileSystemException e) {
            throw new CliException(ExitCode.INPUT, subject + ": " + ModelSummaryCommand.reason(e) + ".", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, subject + ": Cannot read: " + e.getMessage() + ".", e);
        } catch (IllegalArgumentException e) {
            if (builtin) {
                throw new CliException(ExitCode.USAGE, subject + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * {@code model} (a weight file, read from {@code argument}) with the forward pass of the {@code config.json}
     * beside it, if any ({@link ModelLoader#configBeside}); unchanged without one. A config whose parameters do
     * not add up to the file's is used with a warning saying so.
     */
    public Model withConfigBeside(ModelLoader base, String argument, Model model) {
        if (model.architecture() != null) {
            return model;
        }
        String subject = Quote.bare(argument);
        try {
            Optional<Model> config = limits().using(() -> remoteLoader(base).configBeside(argument,
                    builderArguments()));
            if (config.isEmpty()) {
                return model;
            }
            long fromConfig = Summary.of(config.get()).parameters().count();
            long inFile = Summary.of(model).parameters().count();
            Model withForward = model.withArchitecture(config.get().architecture());
            if (fromConfig == inFile) {
                return withForward;
            }
            List<String> warnings = new ArrayList<>(model.warnings());
            warnings.add("the config.json beside it describes " + fromConfig + " parameters and the weights hold "
                    + inFile + ": compute follows config.json");
            return new Model(model.name(), model.format(), model.source(), model.tensors(), warnings,
                    model.details(), withForward.architecture());
        } catch (ConfigArgumentException e) {
            throw new CliException(ExitCode.USAGE, subject + ": config.json beside it: " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.INPUT, subject + ": config.json beside it: " + e.getMessage(), e);
        } catch (RemoteIOException e) {
            throw new CliException(ExitCode.INPUT, e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, subject + ": cannot read the config.json beside it: "
                    + e.getMessage() + ".", e);
        }
    }

    /** The loader with {@code --timeout} applied to its remote settings. */
    ModelLoader remoteLoader(ModelLoader loader) {
        if (timeoutSeconds == null) {
            return loader;
        }
        if (!(timeoutSeconds >= 0.001 && timeoutSeconds <= 86_400)) {
            throw new CliException(ExitCode.USAGE, "--timeout takes seconds between 0.001 and 86400.");
        }
        Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        return loader.withRemote(loader.remote().withTimeout(timeout));
    }

    /** The default limits with {@code --limit} applied; names and values are checked against the declarations. */
    Limits limits() {
        Limits limits = Limits.DEFAULT;
        for (Map.Entry<String, String> override : limitOverrides.entrySet()) {
            try {
                Limit limit = Limit.named(override.getKey());
                limits = limits.with(limit, limit.parse(override.getValue()));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--limit " + Quote.of(override.getKey()) + ": "
                        + e.getMessage() + ".", e);
            }
        }
        return limits;
    }

    /** {@code --arg} pairs, with the shorthand options folded in; a key given twice is a usage error. */
    Map<String, String> builderArguments() {
        Map<String, String> options = new LinkedHashMap<>(builderArgs);
        putShorthand(options, "num_classes", "--num-classes", numClasses);
        putShorthand(options, "image_size", "--image-size", imageSize);
        return options;
    }

    private static void putShorthand(Map<String, String> options, String key, String option, Long value) {
        if (value == null) {
            return;
        }
        if (options.containsKey(key)) {
            throw new CliException(ExitCode.USAGE, option + " and --arg " + key + " both set " + key + "; give one.");
        }
        options.put(key, value.toString());
    }
}
