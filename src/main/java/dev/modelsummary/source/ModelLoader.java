package dev.modelsummary.source;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.format.UnsupportedOptionException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.remote.HubPath;
import dev.modelsummary.remote.RemoteFileSystem;
import dev.modelsummary.remote.RemoteIOException;
import dev.modelsummary.remote.RemoteSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns what the user typed into a {@link Model}: a built-in architecture's name, or the path of a weight
 * file or folder. A name that is both a built-in and a file in the working directory means the built-in; a
 * path with a separator or an extension always means the file.
 */
public final class ModelLoader {
    /**
     * Arguments that can only be paths: they hold a separator, end in a dotted extension, or hold a character
     * no builder name has (builder names are ASCII letters, digits and {@code _}; {@code -} and {@code .} are
     * left to names, where a near miss like {@code vit-l-16} gets a suggestion).
     */
    private static final Pattern PATH_LIKE = Pattern.compile(".*[/\\\\].*|.*\\.[A-Za-z0-9]+|.*[^A-Za-z0-9_.-].*",
            Pattern.DOTALL);

    /**
     * What a Hugging Face Hub id looks like ({@code ORG/NAME}, as the Hub spells repositories): one separator,
     * each side starting with a letter or digit, and no file extension at the end ({@code org/model.onnx} is a
     * path). Such an argument that is neither an existing path nor a built-in, and whose ORG is not a folder
     * here, is an unknown name (a usage error, with the nearest built-ins and the {@code hf://} reference that
     * reads the repository), not a missing file.
     */
    private static final Pattern HUB_ID = Pattern.compile(
            "(?![^/]*/.*\\.[A-Za-z][A-Za-z0-9]*$)[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}");

    /**
     * Built on first use: the catalog's builders and bundled Hugging Face configs are a few hundred classes
     * (Jackson's databind among them) that a run reading a file never needs, and loading them was a large part
     * of such a run's start-up.
     */
    private final Supplier<Catalog> catalog;
    private final WeightReaders readers;
    private final RemoteSettings remote;

    public ModelLoader(Catalog catalog, WeightReaders readers) {
        this(() -> catalog, readers, RemoteSettings.fromEnvironment(Map.of()));
    }

    public ModelLoader(Catalog catalog, WeightReaders readers, RemoteSettings remote) {
        this(() -> catalog, readers, remote);
    }

    private ModelLoader(Supplier<Catalog> catalog, WeightReaders readers, RemoteSettings remote) {
        this.catalog = catalog;
        this.readers = readers;
        this.remote = remote;
    }

    /** This loader reading URLs and {@code hf://} references with {@code settings}. */
    public ModelLoader withRemote(RemoteSettings settings) {
        return new ModelLoader(catalog, readers, settings);
    }

    public RemoteSettings remote() {
        return remote;
    }

    /** Whether {@code argument} is read over HTTP: an http(s) URL or an {@code hf://} reference. */
    public static boolean isRemote(String argument) {
        return RemoteFileSystem.isUrl(argument) || HubPath.isHub(argument);
    }

    public static ModelLoader standard() {
        return lazy(Catalog::standard, WeightReaders.standard());
    }

    /** A loader that asks {@code catalog} for the catalog once, when a name first needs it. */
    public static ModelLoader lazy(Supplier<Catalog> catalog, WeightReaders readers) {
        return new ModelLoader(new Lazy<>(catalog), readers, RemoteSettings.fromEnvironment(Map.of()));
    }

    /** Whether {@code argument} names a built-in architecture (and so is not read as a file). */
    public boolean isBuiltin(String argument) {
        // A Hub id (microsoft/resnet-50) looks like a path: it is the built-in unless that path exists. Asked
        // first, so that naming an existing file (or a URL) never builds the catalog.
        if (isRemote(argument) || PATH_LIKE.matcher(argument).matches() && exists(argument)) {
            return false;
        }
        return catalog.get().contains(argument);
    }

    /** Whether {@code argument} takes builder arguments: a built-in, or a Hugging Face config file. */
    public boolean takesBuilderArguments(String argument) throws IOException {
        if (isRemote(argument)) {
            // decided once the server says what is there; a weight file then refuses them in loadRemote
            return HubPath.isHub(argument) || argument.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        }
        // nothing there: load says so (an unknown name, a missing file), not that a file takes no arguments
        return isBuiltin(argument) || !exists(argument) || ConfigFiles.configOf(Path.of(argument)).isPresent();
    }

    private static boolean exists(String argument) {
        try {
            return Files.exists(Path.of(argument));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * @throws UnknownModelException                   for a name that is neither built in nor a file
     * @throws NoSuchFileException                     for a path-like argument with nothing behind it
     * @throws dev.modelsummary.format.FormatException for a file no reader can read
     * @throws dev.modelsummary.catalog.ArgumentException for builder arguments the architecture refuses
     */
    public Model load(String argument, Map<String, String> builderArguments) throws IOException {
        return load(argument, builderArguments, ReadOptions.NONE);
    }

    /**
     * With read options for a file ({@code --key}).
     *
     * @throws UnsupportedOptionException for read options with a built-in, or with a file whose reader has no
     *                                    use for them
     */
    public Model load(String argument, Map<String, String> builderArguments, ReadOptions readOptions)
            throws IOException {
        if (isRemote(argument)) {
            return loadRemote(argument, builderArguments, readOptions);
        }
        if (isBuiltin(argument)) {
            readOptions.refuseAllFor("a built-in architecture");
            return catalog.get().build(argument, builderArguments).orElseThrow();
        }
        Path path;
        try {
            path = Path.of(argument);
        } catch (InvalidPathException e) {
            throw new NoSuchFileException(argument); // a NUL byte: no file can have that name
        }
        if (Files.exists(path)) {
            Optional<Path> config = ConfigFiles.configOf(path);
            if (config.isPresent() && !(Files.isDirectory(path) && readers.readsDirectory(path))) {
                readOptions.refuseAllFor("a Hugging Face config");
                return configModel(config.get(), builderArguments);
            }
            return readers.read(path, readOptions);
        }
        if (HUB_ID.matcher(argument).matches() && !Files.isDirectory(path.getParent())) {
            throw new UnknownModelException(argument, catalog.get().suggestions(argument, 3), "hf://" + argument);
        }
        if (PATH_LIKE.matcher(argument).matches()) {
            throw new NoSuchFileException(argument);
        }
        throw new UnknownModelException(argument, catalog.get().suggestions(argument, 3));
    }

    /**
     * A URL or an {@code hf://} reference, read over HTTP range requests: the same readers see the URL as a
     * path, and fetch only the bytes they would read from a local file.
     *
     * @throws RemoteIOException                     one sentence naming the URL and what failed
     * @throws dev.modelsummary.remote.RemoteReferenceException for a malformed {@code hf://} reference
     */
    private Model loadRemote(String argument, Map<String, String> builderArguments, ReadOptions readOptions)
            throws IOException {
        try (RemoteFileSystem fs = new RemoteFileSystem(remote)) {
            Path path;
            String name = null;
            if (HubPath.isHub(argument)) {
                HubPath hub = HubPath.parse(argument);
                name = hub.name();
                path = hub.file().isPresent() ? fs.url(hub.url(remote.endpoint(), hub.file().get()))
                        : firstPresent(fs, hub);
            } else {
                path = fs.url(argument);
            }
            fs.probe(path); // the failure with its reason, where Files.exists would only say false
            Optional<Path> config = ConfigFiles.configOf(path);
            if (config.isPresent()) {
                readOptions.refuseAllFor("a Hugging Face config");
                return configModel(path, name != null ? name : ConfigFiles.modelName(path), builderArguments);
            }
            if (!builderArguments.isEmpty()) {
                throw new UnsupportedOptionException("--arg, --num-classes and --image-size apply to built-in "
                        + "architectures and Hugging Face config.json files only; " + path + " is a weight file.");
            }
            Model model = readers.read(path, readOptions);
            // hf://acme/llama is "llama", not "model" after its model.safetensors
            return name != null ? model.withName(name) : model;
        }
    }

    /**
     * The model a weight file's {@code config.json} describes, when one is beside it: a Hugging Face folder's
     * own, the folder of a weight file, or an {@code hf://} repository's at the same revision. A weight file
     * has no forward pass of its own; its config has one. Empty for a plain URL or when there is no config.
     *
     * @throws dev.modelsummary.catalog.hf.ConfigException for a config the library would refuse
     */
    public Optional<Model> configBeside(String argument, Map<String, String> builderArguments) throws IOException {
        if (HubPath.isHub(argument)) {
            HubPath hub = HubPath.parse(argument);
            try (RemoteFileSystem fs = new RemoteFileSystem(remote)) {
                Path config = fs.url(hub.url(remote.endpoint(), ConfigFiles.CONFIG_JSON));
                try {
                    fs.probe(config);
                } catch (RemoteIOException e) {
                    if (e.notFound()) {
                        return Optional.empty();
                    }
                    throw e;
                }
                return Optional.of(configModel(config, hub.name(), builderArguments));
            }
        }
        if (isRemote(argument)) {
            return Optional.empty();
        }
        Path path = Path.of(argument);
        Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        if (folder == null) {
            return Optional.empty();
        }
        Optional<Path> config = ConfigFiles.configOf(folder);
        return config.isPresent() ? Optional.of(configModel(config.get(), builderArguments)) : Optional.empty();
    }

    /** A repository without a file name: its shard index, else its single file, else its config. */
    private Path firstPresent(RemoteFileSystem fs, HubPath hub) throws IOException {
        for (String file : HubPath.DEFAULT_FILES) {
            Path path = fs.url(hub.url(remote.endpoint(), file));
            try {
                fs.probe(path);
                return path;
            } catch (RemoteIOException e) {
                if (!e.notFound()) {
                    throw e;
                }
            }
        }
        throw new RemoteIOException(hub + ": the repository has none of " + String.join(", ", HubPath.DEFAULT_FILES)
                + " at " + hub.url(remote.endpoint(), "") + " (name a file: hf://REPO@REVISION/FILE).", 404, null);
    }

    /**
     * The model a {@code config.json} describes, built as {@code from_config} builds it.
     *
     * @throws dev.modelsummary.catalog.hf.ConfigException for a config the library would refuse
     */
    private Model configModel(Path file, Map<String, String> builderArguments) throws IOException {
        return configModel(file, ConfigFiles.modelName(file), builderArguments);
    }

    private Model configModel(Path file, String name, Map<String, String> builderArguments) throws IOException {
        HfConfig config = HfConfig.parse(Files.readAllBytes(file));
        Builder builder = HfModels.builder(name, config);
        Model model = Catalog.build(builder, Kwargs.parse(builder.name(), builder.args(), builderArguments, true));
        return new Model(model.name(), HfModels.CONFIG_FORMAT, file.toString(), model.tensors(), model.warnings(),
                FileDetails.NONE, model.architecture());
    }

    /** The catalog behind built-in names. */
    public Catalog catalog() {
        return catalog.get();
    }

    /** A value made once, on first use, by whichever thread asks first ({@code --all} asks from many). */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> make;
        private volatile T value;

        Lazy(Supplier<T> make) {
            this.make = make;
        }

        @Override
        public T get() {
            T result = value;
            if (result == null) {
                synchronized (this) {
                    result = value;
                    if (result == null) {
                        result = make.get();
                        value = result;
                    }
                }
            }
            return result;
        }
    }
}
