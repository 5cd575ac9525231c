package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forwards on shapes of transformers 4.57.6's ViT, CLIP and Whisper against the real library: goldens made by
 * tools/fixtures/hf17/vision_audio_goldens.py (transformers 4.57.6, eager attention, FlopCounterMode, hooks on
 * every module, zeros), equal call by call (class, outputs, per-call FLOPs), per module, in total, in activations
 * and parameters. A golden's {@code input.tensors} are the forward's keyword inputs in the order the model's
 * forward reads them.
 */
class HfVisionAudio17ComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-vit-ViTModel-2x3x32x32.json", "hf17-vit-ViTForImageClassification-1x3x32x32.json",
        "hf17-vit-ViTForMaskedImageModeling-noqkvbias.json", "hf17-vit-ViTModel-pooler16.json",
        "hf17-vit-ViTForImageClassification-rect-bf16.json"})
    void vitMatchesTransformersCallByCall(String file) throws IOException {
        check(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-clip-CLIPModel-b2-s7.json", "hf17-clip_text_model-CLIPTextModel-b2-s7.json",
        "hf17-clip_text_model-CLIPTextModelWithProjection-b1-s9.json",
        "hf17-clip_vision_model-CLIPVisionModel-2x3x30x30.json",
        "hf17-clip_vision_model-CLIPVisionModelWithProjection-1x3x30x30.json",
        "hf17-clip-CLIPForImageClassification-2x3x30x30.json", "hf17-clip-CLIPModel-dict-fp16.json"})
    void clipMatchesTransformersCallByCall(String file) throws IOException {
        check(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-whisper-WhisperModel-b1-d5.json", "hf17-whisper-WhisperForConditionalGeneration-b2-d4.json",
        "hf17-whisper-WhisperForAudioClassification-b2.json", "hf17-whisper-WhisperForCausalLM-b2-s6.json",
        "hf17-whisper-WhisperForAudioClassification-weighted.json",
        "hf17-whisper-WhisperForConditionalGeneration-untied-fp16.json"})
    void whisperMatchesTransformersCallByCall(String file) throws IOException {
        check(file);
    }

    /**
     * The bundled published configs traced on the one tensor --compute gives them ({@code imageInput}: ViT and
     * CLIP pixel_values (1, 3, 224, 224), CLIPModel's input_ids then (1, 77); Whisper's input_features
     * (1, 80, 3000), decoder_input_ids then (1, 1)), against the real library run on those inputs.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-vit-ViTForImageClassification-published.json", "hf17-clip-CLIPModel-published.json",
        "hf17-whisper-WhisperForConditionalGeneration-published.json"})
    void publishedConfigsAtTheDefaultInputMatchTransformers(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        HfFamily family = family(truth);
        String architecture = truth.get("builder").asText();
        Module model = family.build(config, architecture);
        Shape input = family.imageInput(config, architecture, 1);
        JsonNode tensors = truth.at("/input/tensors");
        String main = tensors.has("input_features") ? "input_features" : "pixel_values";
        assertThat(input).isEqualTo(Shape.of(MAPPER.convertValue(tensors.get(main), long[].class)));
        GoldenTrace.assertMatches(truth, model, model.trace(input));
    }

    /** What upstream refuses, in its words: another image size, another mel length, a text past its table. */
    @org.junit.jupiter.api.Test
    void refusesWhatTransformersRefuses() {
        HfConfig empty = HfConfig.parse("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Module vit = byType("vit").build(empty, "ViTModel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vit.trace(Shape.of(1, 3, 256, 224)))
                .hasMessageContaining("Input image size (256*224) doesn't match model (224*224).");
        Module whisper = byType("whisper").build(empty, "WhisperModel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> whisper.trace(Shape.of(1, 80, 2000)))
                .hasMessageContaining("Whisper expects the mel input features to be of length 3000, but found 2000.");
        Module text = byType("clip_text_model").build(empty, "CLIPTextModel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> text.trace(Shape.of(1, 78)))
                .hasMessageContaining("Sequence length must be less than max_position_embeddings (got `sequence "
                        + "length`: 78 and max_position_embeddings: 77");
        assertThat(byType("clip_text_model").defaultSeqLen(empty, "CLIPTextModel")).isEqualTo(77);
        assertThat(byType("clip_text_model").imageInput(empty, "CLIPTextModel", 1)).isNull();
        assertThat(byType("clip").imageInput(empty, "CLIPModel", 2)).isEqualTo(Shape.of(2, 3, 224, 224));
        assertThat(byType("whisper").imageInput(empty, "WhisperForCausalLM", 1)).isNull();
    }

    private static HfFamily byType(String modelType) {
        return HfModels.families().stream().filter(f -> f.modelType().equals(modelType)).findFirst().orElseThrow();
    }

    private static HfFamily family(JsonNode truth) {
        String modelType = truth.at("/args/model_type").asText();
        return HfModels.families().stream().filter(f -> f.modelType().equals(modelType)).findFirst().orElseThrow();
    }

    static void check(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        String modelType = truth.at("/args/model_type").asText();
        HfFamily family = HfModels.families().stream().filter(f -> f.modelType().equals(modelType)).findFirst()
                .orElseThrow();
        Module model = family.build(config, truth.get("builder").asText());
        List<Shape> inputs = new ArrayList<>();
        truth.at("/input/tensors").forEach(s -> inputs.add(Shape.of(MAPPER.convertValue(s, long[].class))));
        GoldenTrace.assertMatches(truth, model, model.traceAll(inputs));
    }
}
