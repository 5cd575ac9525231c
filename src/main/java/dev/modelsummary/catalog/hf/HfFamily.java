package dev.modelsummary.catalog.hf;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * One model family of the transformers (or timm) library: its {@code model_type}, the model classes it can
 * build, and the building, ported from the library's {@code modeling_*.py} with its config class's defaults.
 */
public interface HfFamily {
    /** The config's {@code model_type} ({@code bert}). */
    String modelType();

    /** The model classes it builds, the base model first ({@code BertModel}, {@code BertForMaskedLM} ...). */
    List<String> architectures();

    /**
     * What a model class does, for the catalog's grouping: by default {@link #taskBySuffix}, which every
     * transformers family follows; a family whose base model is not text (vision) overrides it.
     */
    default Task task(String architecture) {
        return taskBySuffix(architecture);
    }

    /**
     * The task the class-name suffix every transformers family shares says: {@code XForSequenceClassification}
     * classifies text, {@code XForCausalLM} and {@code XLMHeadModel} generate it, ... and the base model
     * ({@code XModel}) gives hidden states.
     */
    static Task taskBySuffix(String architecture) {
        if (architecture.endsWith("ForSequenceClassification")) {
            return Task.TEXT_CLASSIFICATION;
        }
        if (architecture.endsWith("ForImageClassification")) {
            return Task.IMAGE_CLASSIFICATION;
        }
        if (architecture.endsWith("ForCausalLM") || architecture.endsWith("LMHeadModel")) {
            return Task.TEXT_GENERATION;
        }
        if (architecture.endsWith("ForMaskedLM")) {
            return Task.FILL_MASK;
        }
        if (architecture.endsWith("ForConditionalGeneration")) {
            return Task.TEXT2TEXT_GENERATION;
        }
        if (architecture.endsWith("ForTokenClassification")) {
            return Task.TOKEN_CLASSIFICATION;
        }
        if (architecture.endsWith("ForQuestionAnswering") || architecture.endsWith("ForQuestionAnsweringSimple")) {
            return Task.QUESTION_ANSWERING;
        }
        if (architecture.endsWith("ForMultipleChoice")) {
            return Task.MULTIPLE_CHOICE;
        }
        if (architecture.endsWith("ForPreTraining") || architecture.endsWith("ForNextSentencePrediction")) {
            return Task.PRETRAINING;
        }
        return Task.FEATURE_EXTRACTION;
    }

    /**
     * Builds {@code architecture} from the config, tied weights tied as the library ties them.
     *
     * @throws ConfigException for values the library refuses
     */
    Module build(HfConfig config, String architecture);

    /**
     * {@code from_pretrained(torch_dtype=dtype)}'s cast of a built model: every floating tensor, unless the
     * family keeps some in float32 ({@code _keep_in_fp32_modules}) and overrides this.
     */
    default void toDType(Module model, DType dtype) {
        model.toDType(dtype);
    }

    /**
     * {@code PreTrainedModel.init_weights()}: a non-empty {@code pruned_heads} makes the model call its base model's
     * {@code _prune_heads}, which most families do not define: the base model's construction fails with
     * {@code AttributeError: '<BaseModel>' object has no attribute '_prune_heads'} (4.40 and 4.57 alike). A family
     * that prunes (BERT, GPT-2 ...) or refuses in other words overrides this.
     *
     * @throws ConfigException when the config has heads to prune and the family cannot prune them
     */
    default void checkPrunedHeads(HfConfig config) {
        if (hasPrunedHeads(config)) {
            throw new ConfigException("'" + architectures().get(0) + "' object has no attribute '_prune_heads' "
                    + "(pruned_heads: " + modelType() + " models cannot prune heads)");
        }
    }

    /** Whether {@code pruned_heads} is a non-empty dict (what {@code if self.config.pruned_heads:} tests). */
    static boolean hasPrunedHeads(HfConfig config) {
        com.fasterxml.jackson.databind.JsonNode node = config.node("pruned_heads");
        return node != null && !node.isNull() && (node.isObject() || node.isArray()) && node.size() > 0;
    }

    /**
     * The shape of the input {@code Module.trace} takes for a vision family: {@code pixel_values}
     * {@code (batch, num_channels, image_size, image_size)} from the config; null for a text family, whose
     * input is {@code input_ids} {@code (batch, seq_len)}.
     */
    default Shape imageInput(HfConfig config, long batch) {
        return null;
    }

    /**
     * The pixel-like input of {@code architecture} (a family whose classes take different inputs, CLIP's text and
     * vision models, overrides it); by default {@link #imageInput(HfConfig, long)}.
     */
    default Shape imageInput(HfConfig config, String architecture, long batch) {
        return imageInput(config, batch);
    }

    /**
     * The sequence length a text class of this family is traced at by default: {@code ModelInput.DEFAULT_SEQ_LEN}
     * (128) unless the family's position table is shorter (CLIP's 77 tokens).
     */
    default long defaultSeqLen(HfConfig config, String architecture) {
        return dev.modelsummary.compute.ModelInput.DEFAULT_SEQ_LEN;
    }

    /**
     * {@code _no_split_modules} of {@code architecture} in transformers 4.57.6 (the class attribute accelerate reads,
     * {@code getattr(model, "_no_split_modules", None)}): the module classes accelerate's
     * {@code get_max_layer_size} takes whole. Empty when the class has none (None).
     */
    List<String> noSplitModules(String architecture);

    /**
     * What {@code DynamicCache(config=config)} holds per token after a forward of {@code architecture} with
     * {@code use_cache=True} (transformers 4.57.6): one layer per caching attention, each family's heads, head
     * dims and sliding windows; null for a class that keeps no cache (an encoder, a classifier, a vision model).
     */
    default dev.modelsummary.memory.KvCache kvCache(HfConfig config, String architecture) {
        return null;
    }

    /** How the config routes tokens to experts; null for a dense family. */
    default dev.modelsummary.model.MoeRouting moe(HfConfig config) {
        return null;
    }

    /** Everything above for one build. */
    default dev.modelsummary.memory.MemoryTraits memoryTraits(HfConfig config, String architecture) {
        return new dev.modelsummary.memory.MemoryTraits(noSplitModules(architecture), kvCache(config, architecture),
                moe(config));
    }

    /** What {@link #imageInput}'s tensor holds: images, unless the family takes audio features (Whisper). */
    default dev.modelsummary.compute.ModelInput.Kind inputKind() {
        return dev.modelsummary.compute.ModelInput.Kind.IMAGE;
    }
}
