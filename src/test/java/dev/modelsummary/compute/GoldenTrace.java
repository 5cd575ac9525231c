package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground-truth files of {@code golden/compute/} (made by torch with forward hooks and FlopCounterMode) and the
 * one comparison every compute test makes with them: each call's path, class and output shapes in order, each
 * call's FLOPs, FLOPs by module, the totals, activations and parameters, all exactly.
 */
final class GoldenTrace {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GoldenTrace() {
    }

    static JsonNode read(String file) throws IOException {
        try (InputStream in = GoldenTrace.class.getResourceAsStream("/golden/compute/" + file)) {
            assertThat(in).as(file).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    /** The golden's {@code input.shape} (images and video). */
    static Shape inputShape(JsonNode truth) {
        return Shape.of(MAPPER.convertValue(truth.at("/input/shape"), long[].class));
    }

    static void assertMatches(JsonNode truth, Module model, Trace trace) {
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
