package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Accelerate} against accelerate 1.15 itself, for every bundled Hub config (transformers 4.57.6, made by
 * {@code tools/fixtures/memory/accelerate_goldens.py}) and every torchvision 0.14.1 builder
 * ({@code tools/fixtures/memory/accelerate_torchvision_goldens.py}): the largest layer (bytes and every name, in
 * the walk's order), the float32 parameter total and the four rows {@code gather_data} makes (float32, float16,
 * int8, int4: largest layer, total, {@code estimate_training_usage}).
 *
 * <p>The goldens are accelerate's functions on the class the built-in builds (the config's
 * {@code architectures[0]}) on parameters only, tied weights once. The golden's {@code cli_view} is what
 * {@code accelerate estimate-memory HUB_ID} itself reports: it builds {@code AutoModel} (the base model, no head)
 * and counts buffers too, so its figures differ (bert-base-uncased: BertModel, largest layer
 * {@code embeddings} 95,356,928 bytes and 437,937,152 in all, against BertForMaskedLM's
 * {@code bert.embeddings.word_embeddings} 93,763,584 and 438,057,192 here); it is not asserted (5 of the 67 agree). The golden's
 * {@code untied_by_init_empty_weights} lists the tied parameters accelerate's {@code init_empty_weights} unties
 * (its patched {@code register_parameter} wraps the tied tensor anew), which the script tied again.
 */
class AccelerateGoldenTest {
    private static final Catalog CATALOG = Catalog.standard();
    private static final String HF = "memory-golden/accelerate-1.15-transformers-4.57.6.json";
    private static final String TORCHVISION = "memory-golden/accelerate-torchvision-0.14.1.json";

    static Stream<Arguments> hubModels() {
        return models(HF).map(m -> Arguments.of(m.get("hub_id").asText(), m));
    }

    static Stream<Arguments> torchvisionModels() {
        return models(TORCHVISION).map(m -> Arguments.of(m.get("name").asText(), m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hubModels")
    void hubModelMatchesAccelerate(String hubId, JsonNode golden) {
        assertThat(golden.has("error")).as("4.57.6 could not build %s: %s", hubId, golden.path("error").asText())
                .isFalse();
        Model model = CATALOG.build(hubId).orElseThrow(() -> new AssertionError("no built-in " + hubId));
        assertThat(model.architecture().modules().className()).as("class").isEqualTo(golden.get("class").asText());
        assertThat(model.architecture().memoryTraits().noSplitModules()).as("_no_split_modules")
                .containsExactlyElementsOf(strings(golden.get("no_split_modules")));
        assertMatches(model, golden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("torchvisionModels")
    void torchvisionModelMatchesAccelerate(String name, JsonNode golden) {
        Model model = CATALOG.build(name).orElseThrow(() -> new AssertionError("no built-in " + name));
        assertThat(golden.get("no_split_modules")).isEmpty();
        assertMatches(model, golden);
    }

    @Test
    void theGoldensCoverEveryBundledConfigAndEveryTorchvisionBuilder() {
        assertThat(models(HF).count()).isEqualTo(67);
        assertThat(models(HF).filter(m -> m.has("error"))).isEmpty();
        assertThat(models(TORCHVISION).count()).isEqualTo(118);
    }

    private static void assertMatches(Model model, JsonNode golden) {
        List<TensorEntry> parameters = Summary.of(model).layers();
        Accelerate.LargestLayer largest = Accelerate.largestLayer(model.architecture().modules(), parameters,
                strings(golden.get("no_split_modules")));
        long total = parameters.stream().mapToLong(Accelerate::float32Bytes).sum();

        assertThat(largest.names()).as("largest layer's names").containsExactlyElementsOf(strings(golden.get("names")));
        assertThat(largest.bytes()).as("largest layer's bytes").isEqualTo(golden.get("largest_layer").asLong());
        assertThat(total).as("float32 parameter bytes").isEqualTo(golden.get("total").asLong());
        for (JsonNode row : golden.get("rows")) {
            Accelerate.Dtype dtype = Accelerate.Dtype.valueOf(row.get(0).asText().toUpperCase(Locale.ROOT));
            assertThat(dtype.label()).isEqualTo(row.get(0).asText());
            assertThat(dtype.of(largest.bytes())).as("%s largest layer", dtype.label())
                    .isEqualByComparingTo(row.get(1).decimalValue());
            assertThat(dtype.of(total)).as("%s total", dtype.label()).isEqualByComparingTo(row.get(2).decimalValue());
            Accelerate.TrainingUsage usage = Accelerate.trainingUsage(total, dtype);
            JsonNode training = row.get(3);
            assertThat(List.of(usage.model(), usage.optimizer(), usage.gradients(), usage.step()))
                    .as("%s training", dtype.label())
                    .containsExactly(training.get("model").asLong(), training.get("optimizer").asLong(),
                            training.get("gradients").asLong(), training.get("step").asLong());
            long peak = Math.max(Math.max(training.get("model").asLong(), training.get("optimizer").asLong()),
                    Math.max(training.get("gradients").asLong(), training.get("step").asLong()));
            assertThat(usage.peak()).as("%s peak", dtype.label()).isEqualTo(peak);
        }
    }

    private static Stream<JsonNode> models(String resource) {
        try {
            JsonNode root = new ObjectMapper().readTree(Resources.bytes(resource));
            return StreamSupport.stream(root.get("models").spliterator(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
