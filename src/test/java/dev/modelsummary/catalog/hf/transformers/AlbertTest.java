package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.ConfigArgumentException;
import static dev.modelsummary.catalog.hf.transformers.EncoderFamiliesSupport.aliasOf;
import static dev.modelsummary.catalog.hf.transformers.EncoderFamiliesSupport.build;
import static dev.modelsummary.catalog.hf.transformers.EncoderFamiliesSupport.has;
import static dev.modelsummary.catalog.hf.transformers.EncoderFamiliesSupport.shape;
import static dev.modelsummary.catalog.hf.transformers.EncoderFamiliesSupport.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlbertTest {
    @ParameterizedTest
    @ValueSource(strings = {"albert-base-v1", "albert-base-v2", "albert-large-v1", "albert-large-v2"})
    void bundledCheckpointsBuildTheirMaskedLmWithTiedDecoder(String hubId) {
        Model model = build(hubId);

        assertThat(aliasOf(model, "predictions.decoder.weight")).isEqualTo("albert.embeddings.word_embeddings.weight");
        assertThat(aliasOf(model, "predictions.decoder.bias")).isEqualTo("predictions.bias");
        assertThat(model.tensors().get(model.tensors().size() - 7).name()).isEqualTo("predictions.bias");
        assertThat(has(model, "albert.pooler")).isFalse();
        assertThat(has(model, "albert.encoder.albert_layer_groups.1.")).isFalse();
    }

    @Test
    void albertBaseV2MaskedLmCount() {
        // embeddings (30000+512+2)*128 + 2*128, mapping 128*768+768, one shared layer, MLM head
        long embeddings = (30000 + 512 + 2) * 128L + 2 * 128;
        long mapping = 128 * 768 + 768;
        long layer = 2 * 768 + 4 * (768 * 768 + 768) + 2 * 768 + (768 * 3072 + 3072) + (3072 * 768 + 768);
        long head = 30000 + 2 * 128 + (768 * 128 + 128);
        assertThat(total(build("albert-base-v2"))).isEqualTo(embeddings + mapping + layer + head);
    }

    @Test
    void layersAreSharedGroupsAndInnerGroupsAdd() {
        long twelve = total(build("albert-base-v2"));

        assertThat(total(build("albert-base-v2", "num_hidden_layers", "2"))).isEqualTo(twelve);
        Model groups = build("albert-base-v2", "num_hidden_groups", "2", "inner_group_num", "3");
        assertThat(shape(groups, "albert.encoder.albert_layer_groups.1.albert_layers.2.ffn.weight"))
                .isEqualTo("[3072, 768]");
        assertThat(has(groups, "albert.encoder.albert_layer_groups.2.")).isFalse();
    }

    @Test
    void headsOfTheOtherClasses() {
        Model pre = build("albert-base-v2", "architecture", "AlbertForPreTraining");
        assertThat(shape(pre, "albert.pooler.weight")).isEqualTo("[768, 768]");
        assertThat(shape(pre, "sop_classifier.classifier.weight")).isEqualTo("[2, 768]");

        Model qa = build("albert-base-v2", "architecture", "AlbertForQuestionAnswering");
        assertThat(shape(qa, "qa_outputs.weight")).isEqualTo("[2, 768]");
        assertThat(has(qa, "albert.pooler")).isFalse();

        Model mc = build("albert-base-v2", "architecture", "AlbertForMultipleChoice");
        assertThat(shape(mc, "classifier.weight")).isEqualTo("[1, 768]");

        Model base = build("albert-base-v2", "architecture", "AlbertModel", "tie_word_embeddings", "false");
        assertThat(shape(base, "pooler.weight")).isEqualTo("[768, 768]");
        Model untied = build("albert-base-v2", "tie_word_embeddings", "false");
        assertThat(aliasOf(untied, "predictions.decoder.weight")).isNull();
        assertThat(shape(untied, "predictions.decoder.weight")).isEqualTo("[30000, 128]");
    }

    @Test
    void relativePositionsAddADistanceTable() {
        Model model = build("albert-base-v2", "position_embedding_type", "relative_key");
        assertThat(shape(model, "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.distance_embedding"
                + ".weight")).isEqualTo("[1023, 64]");
    }

    @Test
    void headsThatDoNotDivideTheWidthAreBuiltAsTheLibraryBuildsThem() {
        // AlbertAttention's ValueError never fires (AlbertConfig has embedding_size): the heads floor the width
        Model model = build("albert-base-v2", "num_attention_heads", "7");
        assertThat(shape(model, "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight"))
                .isEqualTo("[763, 768]");
        assertThatThrownBy(() -> build("albert-base-v2", "num_attention_heads", "0"))
                .isInstanceOf(ConfigArgumentException.class).hasMessage("integer division or modulo by zero");
    }
}
