package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.DeepseekV3;
import dev.modelsummary.catalog.hf.transformers.GptOss;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of deepseek_v3 and gpt_oss against the real transformers 4.57.6 under FlopCounterMode
 * (tiny configs, eager, all-zero input_ids, CPU: {@code tools/fixtures/hf17/moe_goldens.py}). gpt-oss is exact
 * call for call. DeepSeek-V3's routed experts run on the tokens the router picks, which depends on the weights:
 * every other call is exact, and the experts' FLOPs add up to torch's.
 */
class HfMoe457ComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Module build(HfFamily family, JsonNode truth) throws IOException {
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        return family.build(config, truth.get("builder").asText());
    }

    static Trace trace(Module model, JsonNode truth) {
        return model.trace(Shape.of(truth.at("/input/batch").asLong(), truth.at("/input/seq_len").asLong()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf17-gptoss-causal.json", "hf17-gptoss-tokcls.json"})
    void gptOssIsExact(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = build(new GptOss(), truth);
        GoldenTrace.assertMatches(truth, model, trace(model, truth));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf17-dsv3-causal.json", "hf17-dsv3-seqcls-noqlora.json"})
    void deepseekV3IsExactButForWhichExpertRuns(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = build(new DeepseekV3(), truth);
        Trace trace = trace(model, truth);
        Predicate<String> routed = name -> name.contains(".mlp.experts.");

        List<String> expected = new ArrayList<>();
        List<Long> expectedFlops = new ArrayList<>();
        for (int i = 0; i < truth.get("modules").size(); i++) {
            JsonNode m = truth.get("modules").get(i);
            if (!routed.test(m.get("name").asText())) {
                List<Shape> out = new ArrayList<>();
                m.get("out").forEach(o -> out.add(Shape.of(MAPPER.convertValue(o, long[].class))));
                expected.add(m.get("name").asText() + " " + m.get("class").asText() + " " + out);
                expectedFlops.add(truth.at("/extra/call_flops").get(i).asLong());
            }
        }
        List<Trace.Call> calls = trace.calls().stream().filter(c -> !routed.test(c.name())).toList();
        assertThat(calls.stream().map(c -> c.name() + " " + c.className() + " " + c.out()).toList())
                .containsExactlyElementsOf(expected);
        assertThat(calls.stream().map(Trace.Call::flops).toList()).containsExactlyElementsOf(expectedFlops);

        Map<String, Long> byModule = new LinkedHashMap<>();
        truth.get("flops_by_module").fields().forEachRemaining(e -> {
            if (!routed.test(e.getKey())) {
                byModule.put(e.getKey(), e.getValue().asLong());
            }
        });
        Map<String, Long> ours = new LinkedHashMap<>(trace.flopsByModule());
        ours.keySet().removeIf(routed);
        assertThat(ours).isEqualTo(byModule);
        assertThat(trace.totalFlops()).isEqualTo(truth.get("flops").asLong());
        assertThat(model.parameterCount()).isEqualTo(truth.get("parameters").asLong());
        // the routed experts' rows: tokens x top_k in all, hidden wide
        long rows = trace.calls().stream().filter(c -> c.name().matches(".*\\.mlp\\.experts\\.\\d+"))
                .mapToLong(c -> c.out().get(0).dim(0)).sum();
        long layers = 2;
        assertThat(rows).isEqualTo(layers * truth.at("/input/batch").asLong() * truth.at("/input/seq_len").asLong()
                * 2);
    }
}
