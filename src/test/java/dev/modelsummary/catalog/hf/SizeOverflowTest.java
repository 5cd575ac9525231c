package dev.modelsummary.catalog.hf;

import dev.modelsummary.catalog.ConfigArgumentException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.model.Model;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sizes computed from a config's integers (or builder arguments) that do not fit 64 bits are refused, never
 * wrapped: {@code 4 * (2^62 + 1)} is 4 in a Java long, which listed a (4, 4) projection with exit 0.
 */
class SizeOverflowTest {
    private static final String BIG = "4611686018427387905"; // 2^62 + 1: times 4 wraps to 4

    private static Model build(String json, Map<String, String> args) {
        Builder builder = HfModels.builder("config", HfConfig.parse(json.getBytes(StandardCharsets.UTF_8)));
        return Catalog.build(builder, Kwargs.parse("config", builder.args(), args, true));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model_type\":\"gemma\",\"hidden_size\":4,\"num_attention_heads\":4,\"num_key_value_heads\":4,"
            + "\"head_dim\":" + BIG + ",\"num_hidden_layers\":1,\"intermediate_size\":8,\"vocab_size\":10}|head_dim",
        "{\"model_type\":\"falcon\",\"hidden_size\":4,\"num_attention_heads\":4,\"num_kv_heads\":" + BIG
            + ",\"new_decoder_architecture\":true,\"num_hidden_layers\":1,\"vocab_size\":10}|num_kv_heads",
        "{\"model_type\":\"t5\",\"d_model\":4,\"num_heads\":4,\"d_kv\":" + BIG
            + ",\"num_layers\":1,\"d_ff\":8,\"vocab_size\":10}|d_kv",
        "{\"model_type\":\"gpt2\",\"n_embd\":" + BIG + ",\"n_head\":1,\"n_layer\":1,\"vocab_size\":1}|n_embd",
        "{\"model_type\":\"bert\",\"hidden_size\":4,\"num_attention_heads\":4,\"num_hidden_layers\":1,"
            + "\"intermediate_size\":8,\"vocab_size\":10,\"position_embedding_type\":\"relative_key\","
            + "\"max_position_embeddings\":" + BIG + "}|max_position_embeddings",
    })
    void aConfigWhoseSizesOverflowIsRefusedNamingItsLargestInteger(String json, String key) {
        assertThatThrownBy(() -> build(json, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("past 2^63 - 1").hasMessageContaining("'" + key + "': " + BIG);
    }

    @Test
    void phiKeyValueHeadsAndAnOverrideAreRefusedToo() {
        String phi = "{\"model_type\":\"phi\",\"hidden_size\":4,\"num_attention_heads\":4,\"num_hidden_layers\":1,"
                + "\"intermediate_size\":8,\"vocab_size\":10}";
        assertThat(build(phi, Map.of()).tensors()).isNotEmpty();
        assertThatThrownBy(() -> build(phi, Map.of("num_key_value_heads", BIG)))
                .isInstanceOf(ConfigArgumentException.class).hasMessageContaining("2^63 - 1");
        // 4 heads of head_dim 2^62 + 1 through --arg, as from_config(config, head_dim=...) sets it
        String gemma = "{\"model_type\":\"gemma\",\"hidden_size\":4,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":4,\"num_hidden_layers\":1,\"intermediate_size\":8,\"vocab_size\":10}";
        assertThat(build(gemma, Map.of("head_dim", "2")).tensors().get(1).shape().dims()).containsExactly(8, 4);
        assertThatThrownBy(() -> build(gemma, Map.of("head_dim", BIG))).isInstanceOf(ConfigArgumentException.class)
                .hasMessageContaining("'head_dim': " + BIG);
    }

    @ParameterizedTest
    @CsvSource({
        "resnet50, groups, 4611686018427387904",
        "densenet121, bn_size, 4611686018427387904",
        "maxvit_t, mlp_ratio, 4611686018427387904",
        "mobilenet_v2, round_nearest, 4611686018427387904",
        "swin_t, mlp_ratio, 1e300",
        "timm/efficientnet_b0, in_chans, 4611686018427387904",
    })
    void aBuilderArgumentWhoseSizesOverflowIsAUsageError(String name, String key, String value) {
        assertThatThrownBy(() -> Catalog.standard().build(name, Map.of(key, value)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("2^63 - 1");
    }

    @Test
    void dimsAreExactOrThrow() {
        assertThat(Dims.mul(3, 5, 7)).isEqualTo(105);
        assertThat(Dims.span(4)).isEqualTo(7);
        assertThat(Dims.trunc(-2.9)).isEqualTo(-2);
        assertThat(Dims.round(2.5)).isEqualTo(2);
        assertThat(Dims.ceil(2.1)).isEqualTo(3);
        assertThat(Dims.trunc(-0x1p63)).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> Dims.mul(4, Long.parseLong(BIG))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Dims.add(Long.MAX_VALUE, 1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Dims.trunc(0x1p63)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Dims.trunc(Double.NaN)).isInstanceOf(ArithmeticException.class);
    }
}
