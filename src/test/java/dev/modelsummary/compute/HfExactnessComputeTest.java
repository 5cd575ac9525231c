package dev.modelsummary.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Albert;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Gpt2;
import dev.modelsummary.catalog.hf.transformers.ResNet;
import dev.modelsummary.catalog.hf.transformers.Roberta;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17's exactness configs whose forward changes, against the real transformers 4.57.6 run on zeros
 * (tools/fixtures/hf17/make_hf17_compute.py): pruned heads make fewer heads in those layers (the attention's
 * matmuls and projections shrink), and ResNetBackbone returns the feature maps of its out_features.
 */
class HfExactnessComputeTest {
    private static final Map<String, HfFamily> FAMILIES = Map.of("bert", new Bert(), "roberta", new Roberta(),
            "albert", new Albert(), "gpt2", new Gpt2(), "resnet", new ResNet());

    @ParameterizedTest
    @ValueSource(strings = {"hf17-bert-pruned-BertForMaskedLM-b2-s7.json",
            "hf17-roberta-pruned-RobertaForSequenceClassification-b1-s9.json",
            "hf17-albert-pruned-AlbertModel-b2-s5.json", "hf17-gpt2-pruned-GPT2LMHeadModel-b2-s6.json",
            "hf17-resnet-ResNetBackbone-1x3x64x48.json", "hf17-resnet-ResNetBackbone-hidden-2x3x32x32.json"})
    void forwardMatchesTransformers(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        JsonNode args = truth.get("args");
        HfConfig config = HfConfig.parse(new ObjectMapper().writeValueAsBytes(args));
        Module model = FAMILIES.get(args.get("model_type").asText()).build(config, truth.get("builder").asText());
        Shape input = truth.at("/input/shape").isMissingNode()
                ? Shape.of(truth.at("/input/batch").asLong(), truth.at("/input/seq_len").asLong())
                : GoldenTrace.inputShape(truth);
        GoldenTrace.assertMatches(truth, model, model.trace(input));
    }

    private static Module build(HfFamily family, String json, String architecture) {
        return family.build(HfConfig.parse(json.getBytes(StandardCharsets.UTF_8)), architecture);
    }

    /**
     * embedding_size lets BERT build with hidden 30 and 4 heads (head size 7, 28 query rows), as 4.40 does; its
     * forward then fails where torch fails: the attention output's dense takes 30 features, not 28.
     */
    @Test
    void embeddingSizeBuildsAModelWhoseForwardTorchRefuses() {
        Module model = build(new Bert(), "{\"vocab_size\": 99, \"hidden_size\": 30, \"num_hidden_layers\": 1, "
                + "\"num_attention_heads\": 4, \"intermediate_size\": 37, \"embedding_size\": 30}", "BertModel");
        assertThatThrownBy(() -> model.trace(Shape.of(2, 7))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("mat1 and mat2 shapes cannot be multiplied (14x28 and 30x30)");
    }

    /** Pruning every head of a layer leaves a zero-width attention, which runs (0 FLOPs in its matmuls). */
    @Test
    void everyHeadPrunedRuns() {
        Module model = build(new Bert(), "{\"vocab_size\": 99, \"hidden_size\": 32, \"num_hidden_layers\": 1, "
                + "\"num_attention_heads\": 4, \"intermediate_size\": 37, \"pruned_heads\": {\"0\": [0, 1, 2, 3]}}",
                "BertModel");
        Trace trace = model.trace(Shape.of(2, 7));
        assertThat(trace.flopsByModule()).doesNotContainKey("encoder.layer.0.attention.self");
        assertThat(trace.calls().stream().filter(c -> c.name().equals("encoder.layer.0.attention.self.query"))
                .findFirst().orElseThrow().out()).containsExactly(Shape.of(2, 7, 0));
    }
}
