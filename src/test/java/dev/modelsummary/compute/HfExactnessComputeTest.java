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
}
