package dev.modelsummary.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.provider.Arguments;

/** The goldens of {@code tools/fixtures/memory/kv_moe_goldens.py} and the built-in models they describe. */
final class MemoryGoldens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MemoryGoldens() {
    }

    /** The KV-cache cases, named. */
    static List<Arguments> kvCases() {
        return cases("kv-cache-4.57.6.json");
    }

    /** The MoE cases, named. */
    static List<Arguments> moeCases() {
        return cases("moe-active-4.57.6.json");
    }

    private static List<Arguments> cases(String resource) {
        try (InputStream in = MemoryGoldens.class.getResourceAsStream("/memory-golden/" + resource)) {
            List<Arguments> out = new ArrayList<>();
            for (JsonNode c : JSON.readTree(in).get("cases")) {
                out.add(Arguments.of(c.get("name").asText(), c));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The case's class built from its config through the Hugging Face builder, as the CLI builds it. */
    static Model build(JsonNode c) {
        try {
            HfConfig config = HfConfig.parse(JSON.writeValueAsBytes(c.get("config")));
            Builder builder = HfModels.builder("golden", config);
            return Catalog.build(builder, Kwargs.parse("golden", builder.args(),
                    Map.of("architecture", c.get("cls").asText()), true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
