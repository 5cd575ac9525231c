package dev.modelsummary.catalog.hf;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.hf.transformers.Albert;
import dev.modelsummary.catalog.hf.transformers.Bart;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Bloom;
import dev.modelsummary.catalog.hf.transformers.Clip;
import dev.modelsummary.catalog.hf.transformers.DebertaV2;
import dev.modelsummary.catalog.hf.transformers.DeepseekV3;
import dev.modelsummary.catalog.hf.transformers.DistilBert;
import dev.modelsummary.catalog.hf.transformers.Falcon;
import dev.modelsummary.catalog.hf.transformers.Gemma2;
import dev.modelsummary.catalog.hf.transformers.Gemma3;
import dev.modelsummary.catalog.hf.transformers.Gemma;
import dev.modelsummary.catalog.hf.transformers.Gpt2;
import dev.modelsummary.catalog.hf.transformers.GptJ;
import dev.modelsummary.catalog.hf.transformers.GptNeo;
import dev.modelsummary.catalog.hf.transformers.GptNeoX;
import dev.modelsummary.catalog.hf.transformers.GptOss;
import dev.modelsummary.catalog.hf.transformers.Granite;
import dev.modelsummary.catalog.hf.transformers.Llama;
import dev.modelsummary.catalog.hf.transformers.MT5;
import dev.modelsummary.catalog.hf.transformers.Mistral;
import dev.modelsummary.catalog.hf.transformers.Mixtral;
import dev.modelsummary.catalog.hf.transformers.MobileNetV1;
import dev.modelsummary.catalog.hf.transformers.MobileNetV2;
import dev.modelsummary.catalog.hf.transformers.ModernBert;
import dev.modelsummary.catalog.hf.transformers.Olmo2;
import dev.modelsummary.catalog.hf.transformers.Opt;
import dev.modelsummary.catalog.hf.transformers.Phi3;
import dev.modelsummary.catalog.hf.transformers.Phi;
import dev.modelsummary.catalog.hf.transformers.Qwen2;
import dev.modelsummary.catalog.hf.transformers.Qwen2Moe;
import dev.modelsummary.catalog.hf.transformers.Qwen3;
import dev.modelsummary.catalog.hf.transformers.Qwen3Moe;
import dev.modelsummary.catalog.hf.transformers.ResNet;
import dev.modelsummary.catalog.hf.transformers.Roberta;
import dev.modelsummary.catalog.hf.transformers.SmolLM3;
import dev.modelsummary.catalog.hf.transformers.Starcoder2;
import dev.modelsummary.catalog.hf.transformers.T5;
import dev.modelsummary.catalog.hf.transformers.Vit;
import dev.modelsummary.catalog.hf.transformers.Whisper;
import dev.modelsummary.catalog.hf.transformers.XLNet;
import dev.modelsummary.catalog.hf.transformers.XlmRoberta;
import dev.modelsummary.catalog.nn.BuildBudget;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Hugging Face models as builders: a config (a bundled Hub checkpoint's, or any {@code config.json}) and the
 * family its {@code model_type} names give a {@link Builder} that takes {@code architecture}, {@code torch_dtype}
 * and any config key ({@code --arg num_hidden_layers=40}), as {@code from_config(config, **kwargs)} does.
 */
public final class HfModels {
    /** The folder of bundled configs, one {@code <hub id>/config.json} each, listed in its index. */
    private static final String BUNDLED = "/dev/modelsummary/hf-configs/";
    /** The library whose models these are, as {@code --list} groups them. */
    public static final String SOURCE = "transformers";
    /** {@code Model.format()} of a model built from a {@code config.json} file. */
    public static final String CONFIG_FORMAT = "config";
    private static final List<HfFamily> FAMILIES = List.of(new Bert(), new Albert(), new Roberta(), new XLNet(),
            new T5(), new ResNet(), new MobileNetV1(), new MobileNetV2(), new Llama(), new Mistral(), new Mixtral(),
            new Qwen2(), new Gemma(), new Gpt2(), new GptNeoX(), new Phi(), new Falcon(),
            new Qwen3(), new Qwen3Moe(), new Qwen2Moe(), new Olmo2(), new Granite(), new SmolLM3(), new Starcoder2(),
            new DeepseekV3(), new GptOss(), new Gemma2(), new Gemma3.Text(), new Phi3(), new Gemma3(),
            new XlmRoberta(), new DistilBert(), new ModernBert(), new DebertaV2(),
            new Vit(), new Clip(), Clip.text(), Clip.vision(), new Whisper(),
            new Opt(), new GptNeo(), new Bloom(), new GptJ(), new Bart(), new MT5());
    /**
     * Modules and tensors one config may make: a config is input, and {@code num_hidden_layers: 10**9} would
     * otherwise build until memory runs out. The largest real models register a few thousand.
     */
    static final long MAX_REGISTRATIONS = 1_000_000;
    /** {@code torch_dtype} values {@code from_pretrained} loads; anything else is refused. */
    private static final Map<String, DType> DTYPES = Map.of("float32", DType.FLOAT32, "float16", DType.FLOAT16,
            "bfloat16", DType.BFLOAT16, "float64", DType.FLOAT64);

    private HfModels() {
    }

    public static List<HfFamily> families() {
        return FAMILIES;
    }

    /** The {@code model_type}s this build supports, sorted. */
    public static List<String> modelTypes() {
        return FAMILIES.stream().map(HfFamily::modelType).sorted().collect(Collectors.toList());
    }

    /** The Hub ids of the bundled configs, in their index's order. */
    public static List<String> bundledIds() {
        return resourceText(BUNDLED + "index.txt").lines().map(String::strip).filter(id -> !id.isEmpty())
                .toList();
    }

    /** The builder of one bundled config ({@link #bundledIds}), when its family is supported. */
    public static Optional<Builder> bundled(String hubId) {
        HfConfig config = HfConfig.parse(resourceBytes(BUNDLED + hubId + "/config.json"));
        return config.modelType().flatMap(HfModels::family).map(family -> builder(hubId, config));
    }

    /**
     * The builder of a config.
     *
     * @param name the built-in name (a Hub id) or the name a config file gives the model
     * @throws ConfigException for a missing or unsupported {@code model_type}, or an unsupported default
     *                         architecture
     */
    public static Builder builder(String name, HfConfig config) {
        String modelType = config.modelType().orElseThrow(() -> new ConfigException(
                "Config has no 'model_type', so the family cannot be told; supported: " + supported() + "."));
        HfFamily family = family(modelType).orElseThrow(() -> new ConfigException("model_type "
                + Quote.of(modelType) + " is not supported; supported: " + supported() + "."));
        String defaultArchitecture = defaultArchitecture(family, config);
        String dtype = config.dtype();
        List<Arg> args = List.of(
                Arg.string("architecture", defaultArchitecture, "the model class to build: "
                        + String.join(", ", family.architectures())),
                Arg.string("torch_dtype", dtype, "the dtype from_pretrained loads the weights in: float32, "
                        + "float16, bfloat16 or float64 (the config's dtype, else its torch_dtype; --arg dtype=X "
                        + "is the same and wins, as in transformers 4.56+)"));
        return Builder.anyKey(SOURCE, name, family.task(defaultArchitecture), args, kwargs -> {
            String architecture = kwargs.string("architecture");
            if (!family.architectures().contains(architecture)) {
                String classes = String.join(", ", family.architectures());
                // the config's own architectures[0] is refused when built, so that --arg architecture=CLASS can
                // name another class, as the message says
                throw new ConfigException(kwargs.isGiven("architecture")
                        ? "architecture " + Quote.of(architecture) + " is not a " + modelType
                                + " model class model-summary builds; it builds " + classes + "."
                        : "Config names architecture " + Quote.of(architecture) + ", which is not a " + modelType
                                + " model class model-summary builds; pass --arg architecture=CLASS, one of "
                                + classes + ".");
            }
            HfConfig resolved = config.withOverrides(kwargs.extra());
            family.checkPrunedHeads(resolved);
            Module model;
            try {
                model = BuildBudget.within(MAX_REGISTRATIONS, () -> family.build(resolved, architecture));
            } catch (BuildBudget.TooLargeException e) {
                throw new ConfigException("Config makes a model too large to list: " + e.getMessage()
                        + " (check num_hidden_layers and the like).");
            } catch (ArithmeticException e) {
                // a size computed from the config's integers (num_heads * head_dim) past int64, as torch refuses it
                throw new ConfigException("Config makes a tensor size past 2^63 - 1" + resolved.largestInteger()
                        .map(key -> " (its largest integer is " + Quote.of(key) + ": " + resolved.integer(key, 0)
                                + ")").orElse("") + ".");
            }
            resolved.warnings().forEach(kwargs::warn);
            Map<String, String> unknown = ConfigKeys.unknownArguments(resolved, config.keys(),
                    kwargs.extra().keySet(), args.stream().map(Arg::name).toList());
            unknown.values().forEach(kwargs::warn);
            ConfigKeys.notUnderstood(resolved).stream().filter(key -> !unknown.containsKey(key))
                    .forEach(key -> kwargs.warn("config key " + Quote.of(key)
                            + " is not understood; the listing ignores it"));
            kwargs.extra().forEach((key, value) -> warnIfNegative(kwargs, resolved, key, value));
            // from_pretrained(dtype=...) wins over torch_dtype=..., as a config's dtype wins over its torch_dtype
            String chosen = kwargs.extra().containsKey("dtype")
                    ? resolved.string("dtype", "float32") : kwargs.string("torch_dtype");
            family.toDType(model, dtype(chosen));
            return model;
        }).withTasks(arguments -> family.task(arguments.getOrDefault("architecture", defaultArchitecture)))
                .withInput(kwargs -> defaultInput(family, config.withOverrides(kwargs.extra()),
                        kwargs.string("architecture")))
                .withMemory(kwargs -> family.memoryTraits(config.withOverrides(kwargs.extra()),
                        kwargs.string("architecture")));
    }

    /**
     * A warning for {@code --arg KEY=N} with a negative count or size that the family builds anyway, as the
     * library does: {@code GPT2Config(n_layer=-1)} gives {@code GPT2LMHeadModel} no block at all
     * ({@code range(-1)} is empty) and no error. A negative size the library refuses (a tensor dimension) is
     * refused while building, before this.
     */
    private static void warnIfNegative(dev.modelsummary.catalog.Kwargs kwargs, HfConfig resolved, String key,
                                       String value) {
        long number;
        try {
            number = Long.parseLong(value.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            return;
        }
        if (number < 0 && ConfigKeys.shapeLike(key) && resolved.readKeys().contains(key)) {
            kwargs.warn("--arg " + Quote.of(key) + "=" + number + " is negative: transformers builds it without "
                    + "an error, as here, but a negative count makes nothing (range(" + number + ") is empty): the "
                    + "model is degenerate");
        }
    }

    /**
     * A vision family's {@code pixel_values} of one image at the config's size and channels; else
     * {@code input_ids} of batch 1 at {@link ModelInput#DEFAULT_SEQ_LEN}.
     */
    private static ModelInput defaultInput(HfFamily family, HfConfig config, String architecture) {
        Shape image = family.imageInput(config, architecture, 1);
        return image == null ? ModelInput.text(1, family.defaultSeqLen(config, architecture))
                : new ModelInput(family.inputKind(), image);
    }

    /**
     * {@code architectures[0]}, else the base model. A class the family does not build is refused when the
     * builder runs without {@code --arg architecture=CLASS}, not here: that argument is how to build such a config.
     */
    private static String defaultArchitecture(HfFamily family, HfConfig config) {
        List<String> named = config.architectures();
        return named.isEmpty() ? family.architectures().get(0) : named.get(0);
    }

    private static DType dtype(String torchDtype) {
        String name = torchDtype == null ? "float32" : torchDtype.replace("torch.", "");
        DType dtype = DTYPES.get(name);
        if (dtype == null) {
            throw new ConfigException("dtype " + Quote.of(torchDtype) + " is not one of float32, float16, "
                    + "bfloat16, float64.");
        }
        return dtype;
    }

    static Optional<HfFamily> family(String modelType) {
        return FAMILIES.stream().filter(f -> f.modelType().equals(modelType)).findFirst();
    }

    private static String supported() {
        return String.join(", ", modelTypes());
    }

    private static byte[] resourceBytes(String path) {
        try (InputStream in = HfModels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bundled text resource (UTF-8); a missing one is a broken jar. */
    static String resourceText(String path) {
        return new String(resourceBytes(path), StandardCharsets.UTF_8);
    }
}
