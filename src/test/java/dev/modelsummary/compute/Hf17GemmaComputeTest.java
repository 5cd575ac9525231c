package dev.modelsummary.compute;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of gemma2, gemma3_text, gemma3 (input_ids only: the vision tower is not called) and phi3
 * against the real transformers 4.57.6 (eager, {@code use_cache=False}, zeros, FlopCounterMode): every call with
 * its output shapes and FLOPs, FLOPs by module, activations, parameters. Goldens made by
 * {@code tools/fixtures/hf17/gemma_phi3_goldens.py}.
 */
class Hf17GemmaComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-gemma2-Gemma2ForCausalLM-b2-s7.json",
        "hf17-gemma2-Gemma2ForTokenClassification-b1-s5.json",
        "hf17-gemma3_text-Gemma3ForCausalLM-b2-s7.json",
        "hf17-gemma3_text-Gemma3TextForSequenceClassification-b1-s6.json",
        "hf17-phi3-Phi3ForCausalLM-b2-s7.json",
        "hf17-phi3-partial-Phi3ForTokenClassification-b1-s20.json",
        "hf17-phi3-Phi3ForSequenceClassification-b3-s5.json",
        "hf17-gemma3-Gemma3ForConditionalGeneration-b2-s7.json",
        "hf17-gemma3-Gemma3ForSequenceClassification-b1-s6.json",
        "hf17-gemma2-options-Gemma2Model-b2-s9.json",
        "hf17-phi3-head_dim-Phi3ForCausalLM-b1-s4.json",
    })
    void matchesTorchCallByCall(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        String modelType = config.modelType().orElseThrow();
        Optional<HfFamily> family = HfModels.families().stream().filter(f -> f.modelType().equals(modelType))
                .findFirst();
        assumeThat(family).as("family %s not built yet", modelType).isPresent();
        Module model = family.get().build(config, truth.get("builder").asText());
        Shape input = Shape.of(truth.at("/input/batch").asLong(), truth.at("/input/seq_len").asLong());
        GoldenTrace.assertMatches(truth, model, model.trace(input));
    }

    /**
     * Gemma 3's image path ({@code get_image_features}), piece by piece as the real 4.57.6 runs it: the SigLIP
     * vision tower on {@code pixel_values (2, 3, 28, 28)}, then the projector on its last hidden state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vision_tower", "multi_modal_projector"})
    void gemma3ImagePathMatchesTorch(String piece) throws IOException {
        JsonNode truth = GoldenTrace.read("hf17-gemma3-" + piece + ".json");
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        Optional<HfFamily> family = HfModels.families().stream().filter(f -> f.modelType().equals("gemma3"))
                .findFirst();
        assumeThat(family).isPresent();
        Module model = family.get().build(config, "Gemma3Model").child(piece);
        JsonNode input = truth.get("input").elements().next();
        GoldenTrace.assertMatches(truth, model, model.trace(Shape.of(MAPPER.convertValue(input, long[].class))));
    }
}
