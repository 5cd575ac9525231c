package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Llama;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The forward on shapes of transformers 4.40.2 families (eager attention, no cache): each golden's model, built
 * from the whole config it holds, equals torch call by call at its batch and sequence length.
 */
class HfComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode golden(String file) throws IOException {
        try (InputStream in = HfComputeTest.class.getResourceAsStream("/golden/compute/" + file)) {
            assertThat(in).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    static Module build(HfFamily family, JsonNode truth) throws IOException {
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        return family.build(config, truth.get("builder").asText());
    }

    static Shape input(JsonNode truth) {
        return Shape.of(truth.at("/input/batch").asLong(), truth.at("/input/seq_len").asLong());
    }

    @Test
    void bertModelMatchesTorchCallByCall() throws IOException {
        matchesGolden(new Bert(), "hf-bert-1-BertModel--b1-s16.json");
    }

    @Test
    void llamaForCausalLmMatchesTorchCallByCall() throws IOException {
        matchesGolden(new Llama(), "hf-llama-2-LlamaForCausalLM--b1-s16.json");
    }

    static void matchesGolden(HfFamily family, String file) throws IOException {
        JsonNode truth = golden(file);
        Module model = build(family, truth);
        Trace trace = model.trace(input(truth));

        List<String> expected = new ArrayList<>();
        for (JsonNode m : truth.get("modules")) {
            List<Shape> out = new ArrayList<>();
            m.get("out").forEach(o -> out.add(Shape.of(MAPPER.convertValue(o, long[].class))));
            expected.add(m.get("name").asText() + " " + m.get("class").asText() + " " + out);
        }
        assertThat(trace.calls().stream().map(c -> c.name() + " " + c.className() + " " + c.out()).toList())
                .containsExactlyElementsOf(expected);

        List<Long> callFlops = new ArrayList<>();
        truth.at("/extra/call_flops").forEach(f -> callFlops.add(f.asLong()));
        assertThat(trace.calls().stream().map(Trace.Call::flops).toList()).containsExactlyElementsOf(callFlops);

        Map<String, Long> byModule = new LinkedHashMap<>();
        truth.get("flops_by_module").fields().forEachRemaining(e -> byModule.put(e.getKey(), e.getValue().asLong()));
        assertThat(trace.flopsByModule()).isEqualTo(byModule);

        assertThat(trace.totalFlops()).isEqualTo(truth.get("flops").asLong());
        assertThat(trace.activations()).isEqualTo(truth.get("activations").asLong());
        assertThat(model.parameterCount()).isEqualTo(truth.get("parameters").asLong());
    }
}
