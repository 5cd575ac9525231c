package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.MatMul;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/clip/modeling_clip.py} with the defaults of {@code CLIPTextConfig},
 * {@code CLIPVisionConfig} and {@code CLIPConfig} (ViT-B/32). Three model types, as the library has three config
 * classes: {@code clip} (CLIPModel, CLIPForImageClassification), {@code clip_text_model} (CLIPTextModel,
 * CLIPTextModelWithProjection) and {@code clip_vision_model} (CLIPVisionModel, CLIPVisionModelWithProjection), as
 * {@code _from_config} builds them ({@code CLIPTextModel._from_config(CLIPConfig(...))} fails upstream: "'CLIPConfig'
 * object has no attribute 'hidden_size'", so a {@code clip} config does not offer the text and vision classes). The non-persistent {@code position_ids} buffers are not in {@code state_dict()}, so
 * not here.
 *
 * <p>Inputs: the text classes take {@code input_ids} (batch, seq); the vision classes {@code pixel_values}
 * (batch, num_channels, image_size, image_size). CLIPModel takes both ({@link Module#traceAll} with
 * {@code [input_ids, pixel_values]}, the forward's order); traced on one tensor (the command line's
 * {@code --compute}), that tensor is {@code pixel_values} and {@code input_ids} is (batch,
 * {@code max_position_embeddings}): 77 tokens, the length CLIP's tokenizer pads to.
 */
public final class Clip implements HfFamily {
    static final String MODEL = "CLIPModel";
    static final String TEXT = "CLIPTextModel";
    static final String TEXT_PROJECTION = "CLIPTextModelWithProjection";
    static final String VISION = "CLIPVisionModel";
    static final String VISION_PROJECTION = "CLIPVisionModelWithProjection";
    static final String IMAGE_CLASSIFICATION = "CLIPForImageClassification";

    private final String modelType;

    /** The {@code clip} family (CLIPConfig). */
    public Clip() {
        this("clip");
    }

    /** @param modelType {@code clip}, {@code clip_text_model} or {@code clip_vision_model} */
    public Clip(String modelType) {
        this.modelType = modelType;
    }

    /** The {@code clip_text_model} family (CLIPTextConfig). */
    public static Clip text() {
        return new Clip("clip_text_model");
    }

    /** The {@code clip_vision_model} family (CLIPVisionConfig). */
    public static Clip vision() {
        return new Clip("clip_vision_model");
    }

    @Override
    public String modelType() {
        return modelType;
    }

    @Override
    public List<String> architectures() {
        return switch (modelType) {
            case "clip_text_model" -> List.of(TEXT, TEXT_PROJECTION);
            case "clip_vision_model" -> List.of(VISION, VISION_PROJECTION);
            default -> List.of(MODEL, IMAGE_CLASSIFICATION);
        };
    }

    @Override
    public Task task(String architecture) {
        return switch (architecture) {
            case MODEL -> Task.IMAGE_FEATURE_EXTRACTION;
            case TEXT, TEXT_PROJECTION -> Task.FEATURE_EXTRACTION;
            default -> Heads.visionTask(architecture);
        };
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        return switch (architecture) {
            case MODEL -> new CLIPModel(config);
            case TEXT -> new CLIPTextModel(textSizes(config));
            case TEXT_PROJECTION -> new CLIPTextModelWithProjection(textSizes(config));
            case VISION -> new CLIPVisionModel(visionSizes(config));
            case VISION_PROJECTION -> new CLIPVisionModelWithProjection(visionSizes(config));
            case IMAGE_CLASSIFICATION -> new CLIPForImageClassification(visionSizes(config), config.numLabels());
            default -> throw new IllegalStateException(architecture);
        };
    }

    @Override
    public Shape imageInput(HfConfig config, long batch) {
        return imageInput(config, architectures().get(0), batch);
    }

    @Override
    public Shape imageInput(HfConfig config, String architecture, long batch) {
        if (architecture.equals(TEXT) || architecture.equals(TEXT_PROJECTION)) {
            return null;
        }
        Sizes v = visionSizes(config);
        return Shape.of(batch, v.numChannels, v.imageSize, v.imageSize);
    }

    /** CLIP's text classes run at most {@code max_position_embeddings} tokens (77): 128 would be refused. */
    @Override
    public long defaultSeqLen(HfConfig config, String architecture) {
        return Math.min(dev.modelsummary.compute.ModelInput.DEFAULT_SEQ_LEN, textSizes(config).maxPositions);
    }

    /** The text sizes: the config itself for {@code clip_text_model}, else its {@code text_config}. */
    private Sizes textSizes(HfConfig config) {
        return new Sizes(modelType.equals("clip") ? subConfig(config, "text_config") : config, false);
    }

    private Sizes visionSizes(HfConfig config) {
        return new Sizes(modelType.equals("clip") ? subConfig(config, "vision_config") : config, true);
    }

    /**
     * CLIPConfig's {@code text_config} / {@code vision_config} ({@code {}} when missing: the defaults). The legacy
     * {@code text_config_dict} / {@code vision_config_dict}, when given, win whole: CLIPConfig updates the sub-config
     * with {@code CLIPTextConfig(**text_config_dict).to_dict()}, every key filled with its default.
     */
    static HfConfig subConfig(HfConfig config, String key) {
        String legacy = key + "_dict";
        return config.subConfig(config.has(legacy) ? legacy : key);
    }

    /** The sizes of CLIPTextConfig or CLIPVisionConfig. */
    static final class Sizes {
        final boolean vision;
        final long hidden;
        final long intermediate;
        final long projection;
        final long layers;
        final long heads;
        final String hiddenAct;
        final long vocab;
        final long maxPositions;
        final long numChannels;
        final long imageSize;
        final long patchSize;

        Sizes(HfConfig c, boolean vision) {
            this.vision = vision;
            hidden = c.integer("hidden_size", vision ? 768 : 512);
            intermediate = c.integer("intermediate_size", vision ? 3072 : 2048);
            projection = c.integer("projection_dim", 512);
            layers = c.integer("num_hidden_layers", 12);
            heads = c.integer("num_attention_heads", vision ? 12 : 8);
            hiddenAct = c.string("hidden_act", "quick_gelu");
            vocab = c.integer("vocab_size", 49408);
            maxPositions = c.integer("max_position_embeddings", 77);
            numChannels = c.integer("num_channels", 3);
            imageSize = c.integer("image_size", 224);
            patchSize = c.integer("patch_size", 32);
            if (heads <= 0 || hidden % heads != 0) {
                throw new ConfigException("embed_dim must be divisible by num_heads (got `embed_dim`: " + hidden
                        + " and `num_heads`: " + heads + ").");
            }
        }

        long numPositions() {
            long side = imageSize / patchSize;
            return Dims.add(Dims.mul(side, side), 1);
        }
    }

    /**
     * {@code CLIPModel}: text_model, vision_model, visual_projection and text_projection (no bias), the scalar
     * {@code logit_scale}. Forward: vision then text, the projections, the normalized embeddings' product
     * {@code text_embeds @ image_embeds.t()} (counted here); outputs logits_per_image, logits_per_text,
     * text_embeds, image_embeds, then the text and vision models' (last_hidden_state, pooler_output).
     */
    static final class CLIPModel extends Module {
        private final long textMaxPositions;

        CLIPModel(HfConfig config) {
            Sizes text = new Sizes(subConfig(config, "text_config"), false);
            Sizes vision = new Sizes(subConfig(config, "vision_config"), true);
            long projection = config.integer("projection_dim", 512);
            textMaxPositions = text.maxPositions;
            parameter("logit_scale");
            add("text_model", new CLIPTextTransformer(text));
            add("vision_model", new CLIPVisionTransformer(vision));
            add("visual_projection", Layers.linear(vision.hidden, projection, false));
            add("text_projection", Layers.linear(text.hidden, projection, false));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape pixelValues = xs.size() == 1 ? xs.get(0) : xs.get(1);
            Shape inputIds = xs.size() == 1 ? Shape.of(pixelValues.dim(0), textMaxPositions) : xs.get(0);
            List<Shape> visionOutputs = callOutputs(t, "vision_model", pixelValues);
            List<Shape> textOutputs = callOutputs(t, "text_model", inputIds);
            Shape imageEmbeds = call(t, "visual_projection", visionOutputs.get(1));
            Shape textEmbeds = call(t, "text_projection", textOutputs.get(1));
            Shape imageT = Shape.of(imageEmbeds.dim(1), imageEmbeds.dim(0));
            Shape logitsPerText = MatMul.matmul(textEmbeds, imageT);
            t.flops(MatMul.matmulFlops(textEmbeds, imageT));
            Shape logitsPerImage = Shape.of(logitsPerText.dim(1), logitsPerText.dim(0));
            List<Shape> outputs = new ArrayList<>(List.of(logitsPerImage, logitsPerText, textEmbeds, imageEmbeds));
            outputs.addAll(textOutputs);
            outputs.addAll(visionOutputs);
            return outputs;
        }
    }

    /** {@code CLIPTextModel}: text_model; outputs its (last_hidden_state, pooler_output). */
    static final class CLIPTextModel extends Module {
        CLIPTextModel(Sizes s) {
            add("text_model", new CLIPTextTransformer(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            return callOutputs(t, "text_model", xs.get(0));
        }
    }

    /** {@code CLIPTextModelWithProjection}: text_model, text_projection; outputs (text_embeds, last_hidden_state). */
    static final class CLIPTextModelWithProjection extends Module {
        CLIPTextModelWithProjection(Sizes s) {
            add("text_model", new CLIPTextTransformer(s));
            add("text_projection", Layers.linear(s.hidden, s.projection, false));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> textOutputs = callOutputs(t, "text_model", xs.get(0));
            return List.of(call(t, "text_projection", textOutputs.get(1)), textOutputs.get(0));
        }
    }

    /** {@code CLIPVisionModel}: vision_model; outputs its (last_hidden_state, pooler_output). */
    static final class CLIPVisionModel extends Module {
        CLIPVisionModel(Sizes s) {
            add("vision_model", new CLIPVisionTransformer(s));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            return callOutputs(t, "vision_model", xs.get(0));
        }
    }

    /**
     * {@code CLIPVisionModelWithProjection}: vision_model, visual_projection; outputs (image_embeds,
     * last_hidden_state).
     */
    static final class CLIPVisionModelWithProjection extends Module {
        CLIPVisionModelWithProjection(Sizes s) {
            add("vision_model", new CLIPVisionTransformer(s));
            add("visual_projection", Layers.linear(s.hidden, s.projection, false));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            List<Shape> visionOutputs = callOutputs(t, "vision_model", xs.get(0));
            return List.of(call(t, "visual_projection", visionOutputs.get(1)), visionOutputs.get(0));
        }
    }

    /**
     * {@code CLIPForImageClassification}: vision_model, classifier (Identity without labels) on the mean of the
     * patch tokens ({@code torch.mean(last_hidden_state[:, 1:, :], dim=1)}).
     */
    static final class CLIPForImageClassification extends Module {
        CLIPForImageClassification(Sizes s, long labels) {
            if (labels <= 0) {
                // the classifier is nn.Identity, and _init_weights then initializes classifier.weight
                throw new ConfigException("'Identity' object has no attribute 'weight'");
            }
            add("vision_model", new CLIPVisionTransformer(s));
            add("classifier", labels > 0 ? Layers.linear(s.hidden, labels) : Layers.activation("Identity"));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            Shape sequenceOutput = callOutputs(t, "vision_model", pixelValues).get(0);
            return call(t, "classifier", Shape.of(sequenceOutput.dim(0), sequenceOutput.dim(2)));
        }
    }

    /**
     * {@code CLIPTextTransformer}: embeddings, encoder (causal mask, functional), final_layer_norm; the pooled
     * output is one token per row (the eos position), (batch, hidden).
     */
    static final class CLIPTextTransformer extends Module {
        CLIPTextTransformer(Sizes s) {
            add("embeddings", new CLIPTextEmbeddings(s));
            add("encoder", new CLIPEncoder(s));
            add("final_layer_norm", Layers.layerNormForward(s.hidden));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            // input_ids.view(-1, input_shape[-1])
            long last = inputIds.dim(inputIds.rank() - 1);
            long rows = last == 0 ? 0 : dev.modelsummary.compute.Exact.numel(inputIds) / last;
            Shape flat = inputIds.rank() == 2 ? inputIds : Shape.of(rows, last);
            Shape hiddenStates = call(t, "embeddings", flat);
            Shape lastHiddenState = call(t, "final_layer_norm", call(t, "encoder", hiddenStates));
            return List.of(lastHiddenState, Shape.of(lastHiddenState.dim(0), lastHiddenState.dim(2)));
        }
    }

    /**
     * {@code CLIPVisionTransformer}: embeddings, pre_layrnorm (sic), encoder, post_layernorm on the class token;
     * outputs (last_hidden_state, pooler_output).
     */
    static final class CLIPVisionTransformer extends Module {
        CLIPVisionTransformer(Sizes s) {
            add("embeddings", new CLIPVisionEmbeddings(s));
            add("pre_layrnorm", Layers.layerNormForward(s.hidden));
            add("encoder", new CLIPEncoder(s));
            add("post_layernorm", Layers.layerNormForward(s.hidden));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape hiddenStates = call(t, "pre_layrnorm", call(t, "embeddings", xs.get(0)));
            Shape lastHiddenState = call(t, "encoder", hiddenStates);
            Shape pooled = call(t, "post_layernorm", Shape.of(lastHiddenState.dim(0), lastHiddenState.dim(2)));
            return List.of(lastHiddenState, pooled);
        }
    }

    /**
     * {@code CLIPTextEmbeddings}: token_embedding, position_embedding ((1, seq) position ids); refuses a sequence
     * past {@code max_position_embeddings} in upstream's words.
     */
    static final class CLIPTextEmbeddings extends Module {
        private final long maxPositions;

        CLIPTextEmbeddings(Sizes s) {
            maxPositions = s.maxPositions;
            add("token_embedding", Layers.embeddingForward(s.vocab, s.hidden));
            add("position_embedding", Layers.embeddingForward(s.maxPositions, s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            long seqLength = inputIds.dim(inputIds.rank() - 1);
            if (seqLength > maxPositions) {
                throw new ShapeException("Sequence length must be less than max_position_embeddings (got `sequence "
                        + "length`: " + seqLength + " and max_position_embeddings: " + maxPositions);
            }
            Shape inputsEmbeds = call(t, "token_embedding", inputIds);
            Shape positionEmbeddings = call(t, "position_embedding", Shape.of(1, seqLength));
            return Reshape.broadcast(inputsEmbeds, positionEmbeddings);
        }
    }

    /**
     * {@code CLIPVisionEmbeddings}: {@code class_embedding} (hidden,), patch_embedding (Conv2d, kernel = stride =
     * patch, no bias), position_embedding (patches + 1 rows). Forward: patches, the class token in front, plus
     * {@code position_embedding(position_ids)}.
     */
    static final class CLIPVisionEmbeddings extends Module {
        private final long imageSize;
        private final long numPositions;

        CLIPVisionEmbeddings(Sizes s) {
            imageSize = s.imageSize;
            numPositions = s.numPositions();
            parameter("class_embedding", s.hidden);
            add("patch_embedding", Layers.conv2d(s.numChannels, s.hidden, s.patchSize, s.patchSize, 1, false)
                    .stride(s.patchSize, s.patchSize));
            add("position_embedding", Layers.embeddingForward(numPositions, s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape pixelValues) {
            if (pixelValues.rank() != 4) {
                throw new ShapeException("not enough values to unpack (expected 4, got " + pixelValues.rank() + ")");
            }
            if (pixelValues.dim(2) != imageSize || pixelValues.dim(3) != imageSize) {
                throw new ShapeException("Input image size (" + pixelValues.dim(2) + "*" + pixelValues.dim(3)
                        + ") doesn't match model (" + imageSize + "*" + imageSize + ").");
            }
            Shape patchEmbeds = call(t, "patch_embedding", pixelValues);
            Shape embeddings = Shape.of(patchEmbeds.dim(0), Dims.add(Dims.mul(patchEmbeds.dim(2), patchEmbeds.dim(3)),
                    1), patchEmbeds.dim(1));
            Shape positions = call(t, "position_embedding", Shape.of(1, numPositions));
            return Reshape.broadcast(embeddings, positions);
        }
    }

    /** {@code CLIPEncoder}: the layers in turn (an iterated {@code nn.ModuleList}). */
    static final class CLIPEncoder extends Module {
        CLIPEncoder(Sizes s) {
            Sequential layers = add("layers", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layers.append(new CLIPEncoderLayer(s));
            }
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            for (String i : child("layers").childrenWithEmptyPlaces().keySet()) {
                hiddenStates = call(t, "layers", i, hiddenStates);
            }
            return hiddenStates;
        }
    }

    /** {@code CLIPEncoderLayer} (pre-norm): layer_norm1, self_attn, residual, layer_norm2, mlp, residual. */
    static final class CLIPEncoderLayer extends Module {
        CLIPEncoderLayer(Sizes s) {
            add("self_attn", new CLIPAttention(s));
            add("layer_norm1", Layers.layerNormForward(s.hidden));
            add("mlp", new CLIPMLP(s));
            add("layer_norm2", Layers.layerNormForward(s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape attn = call(t, "self_attn", call(t, "layer_norm1", hiddenStates));
            hiddenStates = Reshape.broadcast(hiddenStates, attn);
            return Reshape.broadcast(hiddenStates, call(t, "mlp", call(t, "layer_norm2", hiddenStates)));
        }
    }

    /**
     * {@code CLIPAttention} (eager): q_proj, k_proj, v_proj (registered k, v, q, out), {@code QK^T} and {@code AV}
     * counted here, out_proj; the weights are not returned ({@code output_attentions} off).
     */
    static final class CLIPAttention extends Module {
        private final long heads;
        private final long headDim;

        CLIPAttention(Sizes s) {
            heads = s.heads;
            headDim = s.hidden / s.heads;
            add("k_proj", Layers.linear(s.hidden, s.hidden));
            add("v_proj", Layers.linear(s.hidden, s.hidden));
            add("q_proj", Layers.linear(s.hidden, s.hidden));
            add("out_proj", Layers.linear(s.hidden, s.hidden));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            Shape queries = call(t, "q_proj", hiddenStates);
            call(t, "k_proj", hiddenStates);
            call(t, "v_proj", hiddenStates);
            Shape attnOutput = Vit.eagerAttention(t, queries.dim(0), heads, queries.dim(1), queries.dim(1),
                    headDim);
            return call(t, "out_proj", attnOutput);
        }
    }

    /** {@code CLIPMLP}: fc1, {@code ACT2FN[hidden_act]}, fc2 (activation registered first). */
    static final class CLIPMLP extends DecoderParts.TwoLayerMlp {
        CLIPMLP(Sizes s) {
            super("fc1", "activation_fn", "fc2");
            add("activation_fn", Bert.act(s.hiddenAct));
            add("fc1", Layers.linear(s.hidden, s.intermediate));
            add("fc2", Layers.linear(s.intermediate, s.hidden));
        }
    }

    /** {@code _no_split_modules} in transformers 4.57.6 of {@code each CLIP class}. */
    @Override
    public List<String> noSplitModules(String architecture) {
        switch (architecture) {
            case "CLIPModel":
                return List.of("CLIPTextEmbeddings", "CLIPEncoderLayer", "CLIPVisionEmbeddings");
            case "CLIPTextModel":
            case "CLIPTextModelWithProjection":
                return List.of("CLIPTextEmbeddings", "CLIPEncoderLayer");
            case "CLIPVisionModel":
                return List.of("CLIPEncoderLayer");
            default:
                return List.of(); // CLIPPreTrainedModel's None
        }
    }
}
