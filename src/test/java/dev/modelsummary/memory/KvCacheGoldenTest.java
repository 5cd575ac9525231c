package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.HfModels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family's {@code kvCache} against what transformers 4.57.6's {@code DynamicCache(config=...)} /
 * {@code EncoderDecoderCache} held after a real {@code use_cache=True} forward of the same tiny config
 * ({@code tools/fixtures/memory/kv_moe_goldens.py}): per layer the key and value widths and tokens, and in total.
 */
class KvCacheGoldenTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.modelsummary.memory.MemoryGoldens#kvCases")
    void holdsWhatTheLibraryCaches(String name, JsonNode c) {
        KvCache cache = MemoryGoldens.build(c).architecture().memoryTraits().kvCache();
        long batch = c.get("batch").asLong();
        long seq = c.get("seq").asLong();
        assertThat(cache).as("%s caches", c.get("cls").asText()).isNotNull();
        List<String> expected = new ArrayList<>();
        for (JsonNode layer : c.get("layers")) {
            JsonNode k = layer.get("key");
            JsonNode v = layer.get("value");
            expected.add(layer.get("kind").asText() + " keys " + k.get(1).asLong() * k.get(3).asLong() + " values "
                    + v.get(1).asLong() * v.get(3).asLong() + " tokens " + k.get(2).asLong());
        }
        List<String> actual = new ArrayList<>();
        for (KvCache.Layer layer : cache.layers()) {
            actual.add((layer.crossTokens() == 0 ? "self" : "cross") + " keys " + layer.keyWidth() + " values "
                    + layer.valueWidth() + " tokens " + layer.tokens(seq));
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(cache.elements(batch, seq)).isEqualTo(c.get("total_elements").asLong());
    }

    static Stream<Arguments> uncached() {
        return Stream.of(
                Arguments.of("{\"model_type\": \"llama\"}", "LlamaForQuestionAnswering"),
                Arguments.of("{\"model_type\": \"qwen3\"}", "Qwen3ForTokenClassification"),
                Arguments.of("{\"model_type\": \"gpt2\"}", "GPT2ForTokenClassification"),
                Arguments.of("{\"model_type\": \"gpt2\"}", "GPT2ForQuestionAnswering"),
                Arguments.of("{\"model_type\": \"falcon\"}", "FalconForQuestionAnswering"),
                Arguments.of("{\"model_type\": \"opt\"}", "OPTForQuestionAnswering"),
                Arguments.of("{\"model_type\": \"t5\"}", "T5EncoderModel"),
                Arguments.of("{\"model_type\": \"t5\"}", "T5ForTokenClassification"),
                Arguments.of("{\"model_type\": \"mt5\"}", "MT5EncoderModel"),
                Arguments.of("{\"model_type\": \"whisper\"}", "WhisperForAudioClassification"),
                Arguments.of("{\"model_type\": \"bert\"}", "BertForMaskedLM"),
                Arguments.of("{\"model_type\": \"vit\"}", "ViTForImageClassification"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("uncached")
    void classesThatReturnNoCacheHaveNone(String json, String architecture) {
        HfConfig config = HfConfig.parse(json.getBytes(StandardCharsets.UTF_8));
        HfFamily family = HfModels.families().stream()
                .filter(f -> f.modelType().equals(config.modelType().orElseThrow())).findFirst().orElseThrow();
        assertThat(family.kvCache(config, architecture)).isNull();
    }

    @Test
    void whispersDefaultInputGivesFifteenHundredEncoderTokens() {
        HfConfig config = HfConfig.parse("{\"model_type\": \"whisper\"}".getBytes(StandardCharsets.UTF_8));
        HfFamily whisper = HfModels.families().stream().filter(f -> f.modelType().equals("whisper")).findFirst()
                .orElseThrow();
        KvCache cache = whisper.kvCache(config, "WhisperForConditionalGeneration");
        // 4 decoder layers of 6 heads x 64, then their 4 cross-attention layers over 3000 / 2 frames
        assertThat(cache.layers()).hasSize(8);
        assertThat(cache.layers().get(4)).isEqualTo(new KvCache.Layer(384, 384, 0, 1500));
        assertThat(cache.elementsPerToken()).isEqualTo(4 * 2 * 384);
        assertThat(whisper.kvCache(config, "WhisperForCausalLM").layers()).hasSize(4);
    }

    @Test
    void aWindowOfOneKeepsEveryTokenAsTheSliceDoes() {
        // full_states[:, :, -1 + 1:] is full_states[:, :, 0:]
        KvCache.Layer one = KvCache.Layer.sliding(2, 8, 1);
        assertThat(one.tokens(9)).isEqualTo(9);
        assertThat(one.tokens(0)).isZero();
    }

    @Test
    void aSequenceShorterThanTheWindowIsKeptWhole() {
        KvCache.Layer layer = KvCache.Layer.sliding(2, 8, 5);
        assertThat(layer.tokens(3)).isEqualTo(3);
        assertThat(layer.tokens(4)).isEqualTo(4);
        assertThat(layer.tokens(5)).isEqualTo(4);
        assertThat(layer.tokens(100)).isEqualTo(4);
        assertThat(new KvCache(List.of(layer, KvCache.Layer.full(2, 8))).elements(2, 3)).isEqualTo(2 * (3 + 3) * 32);
    }

    @Test
    void crossAttentionHoldsTheEncodersTokens() {
        KvCache.Layer encoderLength = new KvCache.Layer(8, 8, 0, KvCache.ENCODER_SEQ_LEN);
        KvCache.Layer fixed = new KvCache.Layer(8, 8, 0, 1500);
        assertThat(encoderLength.tokens(7)).isEqualTo(7);
        assertThat(fixed.tokens(7)).isEqualTo(1500);
        assertThat(new KvCache(List.of(encoderLength, fixed)).elementsPerToken()).isZero();
    }
}
