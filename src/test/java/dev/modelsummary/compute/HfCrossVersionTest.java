package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfModels;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forwards of the 17 transformers families (written from 4.40.2's code) against the real transformers 4.57.6
 * run by FlopCounterMode on the same tiny configs (golden {@code hf457-totals.json}, made by
 * {@code tools/fixtures/compute/hf457_totals.py}). Both versions run the same matrix products but for the
 * rotary embedding's {@code inv_freq @ position_ids} ({@code rotary dim x seq_len} FLOPs, position ids of batch
 * 1): 4.57 runs it once per forward, 4.40.2 once per layer (Llama, Gemma) or never (cached cos/sin: Mistral,
 * Qwen2, Mixtral, Falcon, GPT-NeoX, Phi). So the totals must differ by exactly that, and by nothing else.
 */
class HfCrossVersionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // case, rotary dim (0: none), rotary matmuls per forward in 4.40.2 (-1: one per layer)
        "bert, 0, 0", "bert_seq, 0, 0", "roberta, 0, 0", "albert, 0, 0", "gpt2, 0, 0", "t5, 0, 0", "xlnet, 0, 0",
        "llama, 16, -1", "gemma, 16, -1", "mistral, 16, 0", "qwen2, 16, 0", "mixtral, 16, 0", "falcon, 16, 0",
        "gpt_neox, 4, 0", "phi, 8, 0"})
    void totalsEqualTransformers457ButForTheRotaryMatmul(String name, long rotaryDim, int rotaryCalls)
            throws IOException {
        JsonNode truth;
        try (var in = HfCrossVersionTest.class.getResourceAsStream("/golden/compute/hf457-totals.json")) {
            truth = MAPPER.readTree(in).get(name);
        }
        JsonNode config = truth.get("config");
        Builder builder = HfModels.builder(name, HfConfig.parse(MAPPER.writeValueAsBytes(config)));
        Model model = Catalog.build(builder, Kwargs.parse(name, builder.args(), Map.of(), true));
        long batch = truth.get("batch").asLong();
        long seq = truth.get("seq_len").asLong();
        Trace trace = model.architecture().trace(new ModelInput(ModelInput.Kind.TEXT, Shape.of(batch, seq)));

        long rotary = rotaryDim * seq;
        long layers = config.has("num_hidden_layers") ? config.get("num_hidden_layers").asLong() : 0;
        long calls440 = rotaryCalls < 0 ? layers : rotaryCalls;
        long calls457 = rotaryDim == 0 ? 0 : 1;
        assertThat(trace.totalFlops()).isEqualTo(truth.get("flops").asLong() + (calls440 - calls457) * rotary);
    }
}
