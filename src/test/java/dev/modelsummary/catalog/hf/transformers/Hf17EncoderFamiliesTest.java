package dev.modelsummary.catalog.hf.transformers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.model.Shape;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the real transformers 4.57.6 refuses in the issue-17 encoder families (distilbert, modernbert,
 * deberta-v2, xlm-roberta), with its words, checked against the library by hand
 * ({@code Cls._from_config(ConfigCls(**cfg))}), and the forwards it cannot run.
 */
class Hf17EncoderFamiliesTest {
    static Module build(HfFamily family, String json, String architecture) {
        return family.build(HfConfig.parse(("{" + json + "}").getBytes(StandardCharsets.UTF_8)), architecture);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "distilbert|\"dim\": 32, \"n_heads\": 5, \"n_layers\": 1, \"vocab_size\": 100"
            + "|config.n_heads 5 must divide config.dim 32 evenly",
        "distilbert|\"dim\": 32, \"n_heads\": 4, \"n_layers\": 1, \"vocab_size\": 100, \"pad_token_id\": 100"
            + "|Padding_idx must be within num_embeddings",
        "modernbert|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100, "
            + "\"pad_token_id\": 0, \"global_attn_every_n_layers\": 0|integer modulo by zero",
        "modernbert|\"hidden_size\": 32, \"num_attention_heads\": 5, \"num_hidden_layers\": 0, \"vocab_size\": 100, "
            + "\"pad_token_id\": 0|float division by zero",
        "modernbert|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100"
            + "|Padding_idx must be within num_embeddings",
        "modernbert|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100, "
            + "\"pad_token_id\": 0, \"classifier_pooling\": \"max\"|Invalid value for `classifier_pooling`, should be "
            + "either \"cls\" or \"mean\", but is max.",
        "deberta-v2|\"hidden_size\": 32, \"num_attention_heads\": 5, \"num_hidden_layers\": 1, \"vocab_size\": 100"
            + "|The hidden size (32) is not a multiple of the number of attention heads (5)",
        "deberta-v2|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100, "
            + "\"pad_token_id\": 100|Padding_idx must be within num_embeddings",
        "deberta-v2|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100, "
            + "\"pruned_heads\": {\"0\": [1]}|The prune function is not implemented in DeBERTa model.",
        "modernbert|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": 100, "
            + "\"pad_token_id\": 0, \"pruned_heads\": {\"0\": [1]}|'ModernBertModel' object has no attribute "
            + "'_prune_heads'",
        "xlm-roberta|\"hidden_size\": 32, \"num_attention_heads\": 5, \"num_hidden_layers\": 1, \"vocab_size\": "
            + "100, \"pad_token_id\": 50, \"max_position_embeddings\": 40|Padding_idx must be within num_embeddings",
        "xlm-roberta|\"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"vocab_size\": "
            + "100, \"pad_token_id\": 100|Padding_idx must be within num_embeddings",
        "distilbert|\"dim\": 32, \"n_heads\": 4, \"n_layers\": 2, \"vocab_size\": 100, "
            + "\"pruned_heads\": {\"2\": [1]}|index 2 is out of range"})
    void refusesWhatTransformersRefuses(String modelType, String json, String message) {
        HfFamily family = switch (modelType) {
            case "distilbert" -> new DistilBert();
            case "modernbert" -> new ModernBert();
            case "xlm-roberta" -> new XlmRoberta();
            default -> new DebertaV2();
        };
        assertThatThrownBy(() -> build(family, json, family.architectures().get(0)))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void withoutLayersNothingChecksTheHeads() {
        assertThat(build(new DistilBert(), "\"dim\": 32, \"n_heads\": 5, \"n_layers\": 0, \"vocab_size\": 100",
                "DistilBertModel").parameterCount()).isEqualTo(100 * 32 + 512 * 32 + 64);
        assertThat(build(new DebertaV2(), "\"hidden_size\": 32, \"num_attention_heads\": 5, "
                + "\"num_hidden_layers\": 0, \"vocab_size\": 100", "DebertaV2Model").parameterCount())
                .isEqualTo(100 * 32 + 512 * 32 + 64);
    }

    @Test
    void distilBertQuestionAnsweringWantsTwoLabels() {
        assertThatThrownBy(() -> build(new DistilBert(), "\"dim\": 32, \"n_heads\": 4, \"n_layers\": 1, "
                + "\"vocab_size\": 100, \"num_labels\": 3", "DistilBertForQuestionAnswering"))
                .isInstanceOf(ConfigException.class).hasMessage("config.num_labels should be 2, but it is 3");
    }

    @Test
    void debertaV2NewMaskedLmHeadIsTiedAsUpstreamTiesItAndItsForwardFails() {
        Module model = build(new DebertaV2(), "\"hidden_size\": 32, \"num_attention_heads\": 4, "
                + "\"num_hidden_layers\": 1, \"intermediate_size\": 64, \"vocab_size\": 100, \"legacy\": false",
                "DebertaV2ForMaskedLM");
        assertThatThrownBy(() -> model.trace(Shape.of(2, 7))).isInstanceOf(ShapeException.class)
                .hasMessage("Given normalized_shape=[32], expected input with shape [*, 32], but got input of "
                        + "size[2, 7, 100]");
    }

    @Test
    void modernBertMultipleChoiceWithMeanPoolingNeedsAnAttentionMask() {
        Module model = build(new ModernBert(), "\"hidden_size\": 32, \"num_attention_heads\": 4, "
                + "\"num_hidden_layers\": 1, \"intermediate_size\": 48, \"vocab_size\": 100, \"pad_token_id\": 0, "
                + "\"classifier_pooling\": \"mean\"", "ModernBertForMultipleChoice");
        assertThatThrownBy(() -> model.trace(Shape.of(2, 3, 7))).isInstanceOf(ShapeException.class)
                .hasMessage("'NoneType' object has no attribute 'sum'");
    }

    @Test
    void everyHeadHasItsTask() {
        assertThat(new XlmRoberta().task("XLMRobertaForMaskedLM")).isEqualTo(Task.FILL_MASK);
        assertThat(new DistilBert().task("DistilBertForMultipleChoice")).isEqualTo(Task.MULTIPLE_CHOICE);
        assertThat(new ModernBert().task("ModernBertForTokenClassification")).isEqualTo(Task.TOKEN_CLASSIFICATION);
        assertThat(new DebertaV2().task("DebertaV2Model")).isEqualTo(Task.FEATURE_EXTRACTION);
    }
}
