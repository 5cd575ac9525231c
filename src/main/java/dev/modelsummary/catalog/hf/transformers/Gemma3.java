package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.memory.KvCache;
import dev.modelsummary.model.Shape;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/gemma3/modular_gemma3.py}. The text model ({@code gemma3_text},
 * {@link Text}) is Gemma 2 plus {@code q_norm}/{@code k_norm} (Gemma3RMSNorm over {@code head_dim}), a second
 * model-level rotary {@code rotary_emb_local} (base {@code rope_local_base_freq}, no scaling) for the sliding
 * layers, and {@code Gemma3TextScaledWordEmbedding} (a non-persistent scalar {@code embed_scale} buffer, so in no
 * listing); softcapping is off by default and changes no shape either way. Layers slide except every
 * {@code sliding_window_pattern}-th (6) unless {@code layer_types} says.
 */
public final class Gemma3 implements HfFamily {
    static final String PREFIX = "Gemma3";

    /** {@code model_type} gemma3_text: {@code Gemma3TextModel}, {@code Gemma3ForCausalLM} and its classifier. */
    public static final class Text implements HfFamily {

        /** {@code _no_split_modules} of Gemma3PreTrainedModel in transformers 4.57.6. */
        @Override
        public List<String> noSplitModules(String architecture) {
            return NO_SPLIT;
        }

        /** {@link Gemma3#textCache}. */
        @Override
        public KvCache kvCache(HfConfig config, String architecture) {
            return textCache(config, architecture);
        }
        @Override
        public String modelType() {
            return "gemma3_text";
        }

        @Override
        public List<String> architectures() {
            return List.of("Gemma3TextModel", "Gemma3ForCausalLM", "Gemma3TextForSequenceClassification");
        }

        @Override
        public Module build(HfConfig config, String architecture) {
            Decoder457.Spec s = textSpec(config);
            List<Boolean> sliding = textSliding(config, s);
            return Gemma2.withHead(architecture, s, () -> new Decoder457.Model(s, sliding));
        }
    }

    /** {@code Gemma3TextConfig}'s sizes and defaults on Gemma 2's. */
    static Decoder457.Spec textSpec(HfConfig config) {
        Decoder457.Spec s = Gemma2.spec(config, PREFIX, 262208, 2304, 9216, 26, 8, 4);
        s.modelClass = "Gemma3TextModel";
        s.qkNorm = true;
        s.localRotary = true;
        s.embeddingClass = "Gemma3TextScaledWordEmbedding";
        return s;
    }

    /** {@code layer_types}, else sliding unless {@code (i + 1) % sliding_window_pattern == 0}. */
    static List<Boolean> textSliding(HfConfig config, Decoder457.Spec s) {
        long pattern = config.integer("sliding_window_pattern", 6);
        if (pattern == 0 && !config.has("layer_types") && s.layers > 0) {
            throw new ConfigException("integer modulo by zero (sliding_window_pattern is 0)");
        }
        return Decoder457.slidingLayers(config, s.layers, i -> Math.floorMod(i + 1, pattern) != 0);
    }

    /** An image-text-to-text causal LM: its generating class generates text, not seq2seq. */
    @Override
    public dev.modelsummary.catalog.Task task(String architecture) {
        return architecture.equals("Gemma3ForConditionalGeneration") ? dev.modelsummary.catalog.Task.TEXT_GENERATION
                : HfFamily.taskBySuffix(architecture);
    }

    @Override
    public String modelType() {
        return "gemma3";
    }

    @Override
    public List<String> architectures() {
        return List.of("Gemma3ForConditionalGeneration", "Gemma3Model", "Gemma3ForSequenceClassification");
    }

    /**
     * {@code Gemma3ForConditionalGeneration} ({@code model}, then {@code lm_head} tied to the language model's
     * embeddings by {@code text_config.tie_word_embeddings}), {@code Gemma3Model} ({@code vision_tower}: SigLIP's
     * vision model, {@code multi_modal_projector}, {@code language_model}: a {@code Gemma3TextModel}) and
     * {@code Gemma3ForSequenceClassification} ({@code model}, {@code score} without bias).
     */
    @Override
    public Module build(HfConfig config, String architecture) {
        HfConfig text = config.subConfig("text_config");
        HfConfig vision = config.subConfig("vision_config");
        Decoder457.Spec s = textSpec(text);
        // _tie_or_clone_weights reads the top-level config's torchscript
        s.torchscript = config.bool("torchscript", false);
        List<Boolean> sliding = textSliding(text, s);
        long visionHidden = vision.integer("hidden_size", 768);
        long patch = vision.integer("patch_size", 16);
        if (patch == 0) {
            throw new ConfigException("integer division or modulo by zero (patch_size is 0)");
        }
        long patchesPerImage = Math.floorDiv(vision.integer("image_size", 224), patch);
        long tokensPerSide = (long) Math.floor(Math.sqrt(config.integer("mm_tokens_per_image", 256)));
        java.util.function.Supplier<Module> base = () -> new Gemma3Model(Siglip.visionModel(vision),
                new MultiModalProjector(visionHidden, s.hidden, patchesPerImage, tokensPerSide),
                new Decoder457.Model(s, sliding));
        return switch (architecture) {
            case "Gemma3Model" -> base.get();
            case "Gemma3ForSequenceClassification" -> new Heads.SequenceClassification(architecture, "model",
                    base.get(), s.hidden, config.numLabels(), s.padTokenId);
            default -> {
                Module model = base.get();
                yield new Decoder457.ForCausalLM(architecture, s, model,
                        model.child("language_model").child("embed_tokens"));
            }
        };
    }

    /**
     * {@code Gemma3Model.forward(input_ids)} without {@code pixel_values}: {@code language_model.embed_tokens}
     * called from here, then the language model on {@code inputs_embeds}; the vision tower and projector are not
     * called. Its {@code embed_tokens} is the language model's, so {@code XForCausalLM}'s tie finds it.
     */
    static final class Gemma3Model extends Module {
        Gemma3Model(Module visionTower, Module projector, Decoder457.Model languageModel) {
            className("Gemma3Model");
            add("vision_tower", visionTower);
            add("multi_modal_projector", projector);
            languageModel.inputsEmbeds = true;
            add("language_model", languageModel);
        }

        @Override
        public dev.modelsummary.model.Shape forward(dev.modelsummary.compute.Trace t,
                                                    dev.modelsummary.model.Shape inputIds) {
            if (inputIds.rank() != 2) {
                throw new dev.modelsummary.compute.ShapeException("input_ids must be (batch, seq_len), got rank "
                        + inputIds.rank());
            }
            dev.modelsummary.model.Shape embeds = call(t, "language_model", "embed_tokens", inputIds);
            return call(t, "language_model", embeds);
        }
    }

    /**
     * {@code Gemma3MultiModalProjector}: {@code mm_input_projection_weight (vision hidden, text hidden)}, then
     * {@code mm_soft_emb_norm} (Gemma3RMSNorm over the vision hidden size); its {@code avg_pool} has no tensors.
     */
    static final class MultiModalProjector extends Module {
        private final long patchesPerImage;
        private final long textHidden;

        MultiModalProjector(long visionHidden, long textHidden, long patchesPerImage, long tokensPerSide) {
            className("Gemma3MultiModalProjector");
            this.patchesPerImage = patchesPerImage;
            this.textHidden = textHidden;
            parameter("mm_input_projection_weight", visionHidden, textHidden);
            add("mm_soft_emb_norm", new Llama.LlamaRMSNorm(visionHidden, PREFIX));
            if (tokensPerSide == 0) {
                throw new ConfigException("integer division or modulo by zero (int(mm_tokens_per_image ** 0.5) is 0)");
            }
            long kernel = Math.floorDiv(patchesPerImage, tokensPerSide);
            add("avg_pool", Layers.avgPool2d(kernel, kernel));
        }

        /**
         * {@code forward(vision_outputs (batch, patches, vision hidden))}: transposed and reshaped to a
         * {@code patches_per_image} square, {@code avg_pool}, flattened back, {@code mm_soft_emb_norm}, then
         * {@code matmul} with the projection weight (counted here).
         */
        @Override
        public Shape forward(Trace t, Shape visionOutputs) {
            long b = visionOutputs.dim(0);
            long v = visionOutputs.dim(2);
            if (patchesPerImage * patchesPerImage != visionOutputs.dim(1)) {
                throw new dev.modelsummary.compute.ShapeException("shape '[" + b + ", " + v + ", "
                        + patchesPerImage + ", " + patchesPerImage + "]' is invalid for input of size "
                        + visionOutputs.numel());
            }
            Shape pooled = call(t, "avg_pool", Shape.of(b, v, patchesPerImage, patchesPerImage));
            Shape normed = call(t, "mm_soft_emb_norm", Shape.of(b, pooled.dim(2) * pooled.dim(3), v));
            Shape weight = Shape.of(v, textHidden);
            Shape out = dev.modelsummary.compute.MatMul.matmul(normed, weight);
            t.flops(dev.modelsummary.compute.MatMul.matmulFlops(normed, weight));
            return out;
        }
    }

    /** {@code _no_split_modules} of Gemma3PreTrainedModel in transformers 4.57.6, every class of the family. */
    static final List<String> NO_SPLIT = List.of("Gemma3DecoderLayer", "SiglipVisionEmbeddings", "SiglipEncoderLayer",
            "SiglipMultiheadAttentionPoolingHead");

    @Override
    public List<String> noSplitModules(String architecture) {
        return NO_SPLIT;
    }

    /**
     * {@code DynamicCache(config=...)} of a {@code Gemma3TextConfig}: {@code sliding_window} (4096; halved plus
     * one under {@code use_bidirectional_attention}) on every layer but each {@code sliding_window_pattern}-th
     * (6), unless {@code layer_types} says otherwise.
     */
    static KvCache textCache(HfConfig config, String architecture) {
        Decoder457.Spec s = textSpec(config);
        List<Boolean> sliding = textSliding(config, s);
        Long window = KvCaches.windowOrDefault(config, 4096);
        if (window != null && config.bool("use_bidirectional_attention", false)) {
            window = Math.floorDiv(window, 2) + 1;
        }
        return KvCaches.decoder(config, architecture, s.layers, window, i -> sliding.get((int) i), s.kvHeads,
                s.headDim, s.headDim);
    }

    /** The language model's cache: {@code get_text_config(decoder=True)} is {@code text_config}. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return textCache(config.subConfig("text_config"), architecture);
    }
}
