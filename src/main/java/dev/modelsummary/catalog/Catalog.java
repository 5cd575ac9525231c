package dev.modelsummary.catalog;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.catalog.timm.Timm;
import dev.modelsummary.catalog.torchvision.Torchvision;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Spelling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The built-in architectures by name, as torchvision's {@code list_models()} / {@code get_model_builder()}
 * know them: names are lower case and unique; lookup ignores case. Families offer their builders; only
 * {@link #standard()} gathers them, so a family depends on the module DSL and nothing above it.
 */
public final class Catalog {
    private final Map<String, Builder> builders = new TreeMap<>();
    /**
     * Builders made on first use, by lower-case name: each is registered when its name is looked up, and all of
     * them when every name is asked for.
     */
    private final Map<String, Supplier<Optional<Builder>>> deferred = new LinkedHashMap<>();

    /** Every built-in architecture. */
    public static Catalog standard() {
        Catalog catalog = new Catalog();
        Torchvision.builders().forEach(catalog::register);
        Timm.builders().forEach(catalog::register);
        // A bundled Hugging Face config is parsed when its name is asked for: parsing all 67 took about 50 ms of
        // every built-in run, and more before the first (Jackson's set-up).
        HfModels.bundledIds().forEach(id -> catalog.defer(id, () -> HfModels.bundled(id)));
        return catalog;
    }

    public synchronized void register(Builder builder) {
        String key = builder.name().toLowerCase(Locale.ROOT);
        if (builders.putIfAbsent(key, builder) != null) {
            throw new IllegalStateException("An entry is already registered under the name '" + key + "'.");
        }
    }

    /** A builder named {@code name} made when first needed (none, when {@code builder} gives none). */
    public synchronized void defer(String name, Supplier<Optional<Builder>> builder) {
        String key = name.toLowerCase(Locale.ROOT);
        if (builders.containsKey(key) || deferred.putIfAbsent(key, builder) != null) {
            throw new IllegalStateException("An entry is already registered under the name '" + key + "'.");
        }
    }

    /** Sorted names. */
    public List<String> names() {
        return List.copyOf(all().keySet());
    }

    /** Every builder, sorted by name. */
    public Collection<Builder> builders() {
        return all().values();
    }

    public boolean contains(String name) {
        return builder(name).isPresent();
    }

    public synchronized Optional<Builder> builder(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Supplier<Optional<Builder>> pending = deferred.remove(key);
        if (pending != null) {
            pending.get().ifPresent(this::register);
        }
        return Optional.ofNullable(builders.get(key));
    }

    /** Every builder by name, the deferred ones made first. */
    private synchronized Map<String, Builder> all() {
        deferred.values().forEach(pending -> pending.get().ifPresent(this::register));
        deferred.clear();
        return builders;
    }

    /**
     * The model a builder gives with these keyword arguments ({@code KEY=VALUE} strings), in state_dict order.
     *
     * @throws ArgumentException for arguments the builder does not take, of the wrong type, or refused
     */
    public Optional<Model> build(String name, Map<String, String> arguments) {
        return builder(name).map(b -> build(b, Kwargs.parse(b.name(), b.args(), arguments, b.anyKey())));
    }

    /** The model with every argument at its default. */
    public Optional<Model> build(String name) {
        return build(name, Map.of());
    }

    /**
     * Runs a builder.
     *
     * @throws ArgumentException for arguments the architecture refuses, including sizes whose element counts
     *                           do not fit 63 bits; for a Hugging Face config, a {@link ConfigArgumentException}
     *                           when the config builds without the arguments
     * @throws ConfigException   for a Hugging Face config that fails with its own values
     */
    public static Model build(Builder builder, Kwargs kwargs) {
        try {
            return buildOnce(builder, kwargs);
        } catch (ConfigException e) {
            // Where the refused value came from decides the exit code: a config that builds with its own values
            // and fails with the command line's (--arg) is refused for those, a usage error like a torchvision
            // builder's ValueError; a config that fails on its own is input (a bundled one never does).
            if (kwargs.anyGiven() && buildsWithDefaults(builder)) {
                throw new ConfigArgumentException(e.getMessage());
            }
            throw e;
        }
    }

    /** Whether {@code builder} builds with no argument given (its config's own values). */
    private static boolean buildsWithDefaults(Builder builder) {
        try {
            buildOnce(builder, Kwargs.defaults(builder.name(), builder.args()));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Model buildOnce(Builder builder, Kwargs kwargs) {
        List<TensorEntry> tensors;
        Module root;
        try {
            root = builder.factory().build(kwargs);
            tensors = root.tensors();
            long elements = 0;
            long bytes = 0;
            for (TensorEntry tensor : tensors) {
                elements = Math.addExact(elements, tensor.numel());
                bytes = Math.addExact(bytes, tensor.bytes());
            }
        } catch (ArgumentException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // A check of a layer or model constructor (torch's ValueError): the builder refuses these arguments.
            throw refusal(builder, kwargs, e.getMessage());
        } catch (ArithmeticException e) {
            throw refusal(builder, kwargs, (builder.anyKey() ? "Config makes" : "these arguments make")
                    + " a size, or a model, of more than 2^63 - 1 elements or bytes");
        }
        // A Hub id names its page with '-' for '/' (microsoft-resnet-50), as the original project did.
        return new Model(builder.name().replace('/', '-'), Model.BUILTIN_FORMAT, builder.name(), tensors,
                kwargs.warnings(), FileDetails.NONE, new BuiltArchitecture(root, builder.defaultInput(kwargs),
                builder.memoryTraits(kwargs)));
    }

    /**
     * A refusal: the user's arguments' fault (exit 2), or, for a builder that takes any key (a Hugging Face
     * config's), the config's, which is input like a file (exit 3), unless {@link #build(Builder, Kwargs)} finds
     * the command line's arguments at fault.
     */
    private static RuntimeException refusal(Builder builder, Kwargs kwargs, String message) {
        return builder.anyKey() ? new ConfigException(message + ".") : kwargs.refuse(message);
    }

    /**
     * Up to {@code max} built-in names closest to {@code name}, nearest first, as the catalog spells them; only
     * plausible ones. A Hub id is matched on its name as well as whole, so an id that differs from a bundled
     * one by its organization ({@code openai-community/gpt2}: {@code gpt2}) or by a suffix
     * ({@code meta-llama/Llama-2-7b}: {@code meta-llama/Llama-2-7b-hf}; {@code bert-base}:
     * {@code bert-base-uncased}) finds it. Ranked: the same name under another organization, then a name that
     * extends the given one (or that it extends), then the rest by edit distance.
     */
    public List<String> suggestions(String name, int max) {
        if (name.length() > 100) {
            return List.of(); // no builder name is that long; and edit distance is quadratic
        }
        String key = name.toLowerCase(Locale.ROOT);
        String keyName = afterOrganization(key);
        List<String> candidates = new ArrayList<>();
        Map<String, Integer> tiers = new java.util.HashMap<>();
        Map<String, Integer> distances = new java.util.HashMap<>();
        for (String known : all().keySet()) {
            String knownName = afterOrganization(known);
            int distance = Math.min(Spelling.distance(key, known), Spelling.distance(keyName, knownName));
            int tier;
            if (knownName.equals(keyName)) {
                tier = 0;
            } else if (known.startsWith(key) || knownName.startsWith(keyName)
                    || knownName.length() >= 4 && keyName.startsWith(knownName)) {
                tier = 1;
            } else if (Spelling.near(keyName, distance) || known.contains(key)) {
                tier = 2;
            } else {
                continue;
            }
            candidates.add(known);
            tiers.put(known, tier);
            distances.put(known, distance);
        }
        candidates.sort(Comparator.comparingInt((String k) -> tiers.get(k)).thenComparingInt(distances::get)
                .thenComparing(k -> k));
        return candidates.subList(0, Math.min(max, candidates.size())).stream()
                .map(k -> all().get(k).name()).toList();
    }

    /** {@code name} of {@code org/name}; the whole text when it has no organization. */
    private static String afterOrganization(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }
}
