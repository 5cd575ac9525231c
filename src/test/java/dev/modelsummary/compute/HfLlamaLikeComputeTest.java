package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Granite;
import dev.modelsummary.catalog.hf.transformers.Olmo2;
import dev.modelsummary.catalog.hf.transformers.Qwen2Moe;
import dev.modelsummary.catalog.hf.transformers.Qwen3;
import dev.modelsummary.catalog.hf.transformers.Qwen3Moe;
import dev.modelsummary.catalog.hf.transformers.SmolLM3;
import dev.modelsummary.catalog.hf.transformers.Starcoder2;
import org.junit.jupiter.api.Test;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of the Llama-like decoder families of transformers 4.57.6 against goldens made by the real
 * library with FlopCounterMode ({@code tools/fixtures/hf17/llama_like_goldens.py}): model-level rotary embedding,
 * eager attention returning its weights, 4.57's generic heads. Dense families match call by call; MoE families
 * match every call outside the experts and the totals (which expert gets which token depends on the router, so
 * the per-expert calls are model-summary's deterministic share-out, not torch's).
 */
class HfLlamaLikeComputeTest {

    static void matches(HfFamily family, String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = HfComputeTest.build(family, truth);
        GoldenTrace.assertMatches(truth, model, model.trace(HfComputeTest.input(truth)));
    }

    @ParameterizedTest
    @CsvSource({
            "hf17-qwen3-Qwen3ForCausalLM-b2-s5.json",
            "hf17-qwen3-Qwen3ForSequenceClassification-b2-s5.json",
            "hf17-qwen3-Qwen3ForTokenClassification-b1-s4.json",
            "hf17-qwen3-Qwen3ForQuestionAnswering-b1-s4.json"})
    void qwen3MatchesTorchCallByCall(String file) throws IOException {
        matches(new Qwen3(), file);
    }

    @Test
    void olmo2MatchesTorchCallByCall() throws IOException {
        matches(new Olmo2(), "hf17-olmo2-Olmo2ForCausalLM-b2-s5.json");
    }

    @Test
    void graniteMatchesTorchCallByCall() throws IOException {
        matches(new Granite(), "hf17-granite-GraniteForCausalLM-b2-s5.json");
    }

    @Test
    void smolLm3MatchesTorchCallByCall() throws IOException {
        matches(new SmolLM3(), "hf17-smollm3-SmolLM3ForCausalLM-b2-s5.json");
    }

    @Test
    void starcoder2MatchesTorchCallByCall() throws IOException {
        matches(new Starcoder2(), "hf17-starcoder2-Starcoder2ForCausalLM-b2-s5.json");
    }

    @Test
    void qwen3MoeMatchesTorchOutsideTheExperts() throws IOException {
        matchesOutsideExperts(new Qwen3Moe(), "hf17-qwen3_moe-Qwen3MoeForCausalLM-b2-s5.json");
    }

    @Test
    void qwen2MoeMatchesTorchOutsideTheExperts() throws IOException {
        matchesOutsideExperts(new Qwen2Moe(), "hf17-qwen2_moe-Qwen2MoeForCausalLM-b2-s5.json");
    }

    static Stream<String> randomGoldens() throws IOException {
        try (Stream<Path> files = Files.list(Resources.path("golden/compute"))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("hf17-fz")).sorted()
                    .toList().stream();
        }
    }

    /**
     * Random small configs of every family and head class at random batch/length
     * ({@code llama_like_random_goldens.py}): dense ones call by call, MoE ones outside the experts and in total.
     */
    @ParameterizedTest
    @MethodSource("randomGoldens")
    void randomConfigsMatchTorch(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfFamily family = HfModels.families().stream()
                .filter(f -> f.modelType().equals(truth.at("/args/model_type").asText())).findFirst().orElseThrow();
        if (family.modelType().endsWith("_moe")) {
            matchesOutsideExperts(family, file);
        } else {
            matches(family, file);
        }
    }

    @Test
    void moreExpertsPerTokenThanExpertsIsRefusedAsTorchTopkRefusesIt() {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"qwen3_moe\", \"vocab_size\": 50, \"hidden_size\": 16, "
                + "\"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"num_hidden_layers\": 1, "
                + "\"num_experts\": 2, \"num_experts_per_tok\": 3, \"moe_intermediate_size\": 4}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Module model = new Qwen3Moe().build(config, "Qwen3MoeForCausalLM");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.trace(Shape.of(1, 4)))
                .isInstanceOf(ComputeException.class).hasMessageContaining("selected index k out of range");
    }

    /**
     * The MoE totals do not depend on the routing: at any batch b and length n, the golden's Qwen3-MoE (hidden 32,
     * 4 heads of 8, 2 kv heads, 4 experts of 24, top 2, layer 0 sparse, layer 1 dense at 48, vocab 96) costs
     * the projections and attention of both layers, the router, tokens * top_k rows through one expert's three
     * linears, the dense MLP, the rotary matmul (once) and the LM head; Qwen2-MoE adds its shared expert and gate
     * on every token.
     */
    @ParameterizedTest
    @CsvSource({"1, 1", "2, 5", "3, 17", "1, 128"})
    void moeTotalsFollowTheFormulas(long b, long n) throws IOException {
        long t = b * n;
        long attention = 2 * t * 32 * (32 + 16 + 16 + 32) + 2 * (2 * b * 4 * n * n * 8);
        long dense = 3 * (2 * t * 32 * 48);
        long lmHead = 2 * t * 32 * 96;
        Trace qwen3 = HfComputeTest.build(new Qwen3Moe(),
                GoldenTrace.read("hf17-qwen3_moe-Qwen3MoeForCausalLM-b2-s5.json")).trace(Shape.of(b, n));
        long sparse = 2 * t * 32 * 4 + t * 2 * 3 * (2 * 32 * 24);
        assertThat(qwen3.totalFlops()).isEqualTo(2 * attention + sparse + dense + 8 * n + lmHead);

        // Qwen2-MoE: 4 heads of 8 as well; layer 0 dense (mlp_only_layers), layer 1 sparse with a shared expert of 40
        Trace qwen2 = HfComputeTest.build(new Qwen2Moe(),
                GoldenTrace.read("hf17-qwen2_moe-Qwen2MoeForCausalLM-b2-s5.json")).trace(Shape.of(b, n));
        long shared = 3 * (2 * t * 32 * 40) + 2 * t * 32;
        assertThat(qwen2.totalFlops()).isEqualTo(2 * attention + dense + sparse + shared + 8 * n + lmHead);
    }

    /**
     * MoE: every call whose path is not under {@code .experts.} in order with its shapes and FLOPs, the totals,
     * FLOPs by module outside the experts, and the parameters. Activations differ only by how expert rows are
     * split, which does not change their sum (each row of each expert is one row of the same widths).
     */
    static void matchesOutsideExperts(HfFamily family, String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = HfComputeTest.build(family, truth);
        Trace trace = model.trace(HfComputeTest.input(truth));
        Predicate<String> expert = name -> name.contains(".experts.");
        List<String> expected = new ArrayList<>();
        List<Long> expectedFlops = new ArrayList<>();
        JsonNode calls = truth.get("modules");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode m = calls.get(i);
            if (!expert.test(m.get("name").asText())) {
                expected.add(m.get("name").asText() + " " + m.get("class").asText() + " " + m.get("out"));
                expectedFlops.add(truth.at("/extra/call_flops/" + i).asLong());
            }
        }
        List<String> actual = new ArrayList<>();
        List<Long> actualFlops = new ArrayList<>();
        for (Trace.Call c : trace.calls()) {
            if (!expert.test(c.name())) {
                actual.add(c.name() + " " + c.className() + " " + c.out().stream()
                        .map(s -> java.util.Arrays.toString(s.dims()).replace(" ", "")).toList()
                        .toString().replace(" ", ""));
                actualFlops.add(c.flops());
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(actualFlops).containsExactlyElementsOf(expectedFlops);
        Map<String, Long> byModule = new LinkedHashMap<>();
        truth.get("flops_by_module").fields().forEachRemaining(e -> {
            if (!expert.test(e.getKey())) {
                byModule.put(e.getKey(), e.getValue().asLong());
            }
        });
        Map<String, Long> actualByModule = new LinkedHashMap<>(trace.flopsByModule());
        actualByModule.keySet().removeIf(expert);
        assertThat(actualByModule).isEqualTo(byModule);
        assertThat(trace.totalFlops()).isEqualTo(truth.get("flops").asLong());
        assertThat(trace.activations()).isEqualTo(truth.get("activations").asLong());
        assertThat(model.parameterCount()).isEqualTo(truth.get("parameters").asLong());
    }
}
