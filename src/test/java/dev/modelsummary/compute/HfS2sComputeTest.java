package dev.modelsummary.compute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Bart;
import dev.modelsummary.catalog.hf.transformers.Bloom;
import dev.modelsummary.catalog.hf.transformers.GptJ;
import dev.modelsummary.catalog.hf.transformers.GptNeo;
import dev.modelsummary.catalog.hf.transformers.MT5;
import dev.modelsummary.catalog.hf.transformers.Opt;
import dev.modelsummary.catalog.nn.Module;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of issue 17's OPT, GPT-Neo, BLOOM, GPT-J, BART and mT5 (transformers 4.57.6, eager
 * attention, {@code use_cache=False}, zero {@code input_ids}; BART and mT5 also {@code decoder_input_ids} of the same
 * shape): each golden (made by tools/fixtures/hf17/s2s_compute_golden.py with the real library and FlopCounterMode's
 * rules) equals the trace call by call.
 */
class HfS2sComputeTest {
    private static final Map<String, HfFamily> FAMILIES = Map.of("opt", new Opt(), "gpt_neo", new GptNeo(), "bloom", new Bloom(), "gptj", new GptJ(), "bart", new Bart(), "mt5", new MT5());

    @ParameterizedTest
    @ValueSource(strings = {
        "hf17-opt-OPTForCausalLM-b2-s7.json",
        "hf17-opt-OPTForSequenceClassification-b2-s5.json",
        "hf17-opt-OPTForQuestionAnswering-b1-s6.json",
        "hf17-gpt_neo-GPTNeoForCausalLM-b2-s7.json",
        "hf17-gpt_neo-GPTNeoForSequenceClassification-b2-s5.json",
        "hf17-gpt_neo-GPTNeoForTokenClassification-b1-s5.json",
        "hf17-gpt_neo-GPTNeoForQuestionAnswering-b1-s6.json",
        "hf17-bloom-BloomForCausalLM-b2-s7.json",
        "hf17-bloom-BloomForSequenceClassification-b2-s5.json",
        "hf17-bloom-BloomForTokenClassification-b1-s5.json",
        "hf17-bloom-BloomForQuestionAnswering-b1-s6.json",
        "hf17-gptj-GPTJForCausalLM-b2-s7.json",
        "hf17-gptj-GPTJForSequenceClassification-b2-s5.json",
        "hf17-gptj-GPTJForQuestionAnswering-b1-s6.json",
        "hf17-bart-BartForConditionalGeneration-b2-s7.json",
        "hf17-bart-BartModel-b1-s5.json",
        "hf17-bart-BartForSequenceClassification-b2-s5.json",
        "hf17-bart-BartForQuestionAnswering-b1-s6.json",
        "hf17-bart-BartForCausalLM-b2-s5.json",
        "hf17-mt5-MT5ForConditionalGeneration-b2-s7.json",
        "hf17-mt5-MT5Model-b1-s5.json",
        "hf17-mt5-MT5EncoderModel-b2-s5.json",
        "hf17-mt5-MT5ForSequenceClassification-b2-s5.json",
        "hf17-mt5-MT5ForTokenClassification-b1-s5.json",
        "hf17-mt5-MT5ForQuestionAnswering-b1-s6.json",
    })
    void matchesTorchCallByCall(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfFamily family = FAMILIES.get(truth.at("/args/model_type").asText());
        Module model = HfComputeTest.build(family, truth);
        GoldenTrace.assertMatches(truth, model, model.trace(HfComputeTest.input(truth)));
    }

    /**
     * GPT-J's rotary table is {@code rotary_dim or n_embd} wide: with {@code rotary_dim} None (or over head_dim) its
     * sin/cos do not broadcast against the head, and 4.57.6 fails the forward with torch's words.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "null|The size of tensor a (8) must match the size of tensor b (32) at non-singleton dimension 3",
        "16|The size of tensor a (8) must match the size of tensor b (16) at non-singleton dimension 3"})
    void gptjRefusesARotaryTableWiderThanTheHead(String rotaryDim, String message) {
        String json = "{\"model_type\": \"gptj\", \"vocab_size\": 100, \"n_embd\": 32, \"n_layer\": 1, "
                + "\"n_head\": 4, \"n_positions\": 64, \"rotary_dim\": " + rotaryDim + "}";
        Module model = new GptJ().build(dev.modelsummary.catalog.hf.HfConfig.parse(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "GPTJModel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.trace(dev.modelsummary.model.Shape.of(1, 5)))
                .hasMessageContaining(message);
    }

    static java.util.stream.Stream<String> randomCases() throws IOException {
        return dev.modelsummary.testutil.GoldenListing.files("golden/compute/hf17-random")
                .map(p -> "hf17-random/" + p.getFileName());
    }

    /** Seeded random small configs of every head class (tools/fixtures/hf17/s2s_random_compute.py). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("randomCases")
    void randomConfigsMatchTorchCallByCall(String file) throws IOException {
        matchesTorchCallByCall(file);
    }
}
