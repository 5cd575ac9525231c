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

class RobertaTest {
    @Test
    void robertaBaseMaskedLmCountsWhatTheLibraryCounts() {
        Model model = build("roberta-base");

        // RobertaModel without pooler 124,055,040; RobertaLMHead adds bias, dense and layer_norm
        assertThat(total(model)).isEqualTo(124_697_433L);
        assertThat(model.tensors().get(0).name()).isEqualTo("roberta.embeddings.word_embeddings.weight");
        assertThat(aliasOf(model, "lm_head.decoder.weight")).isEqualTo("roberta.embeddings.word_embeddings.weight");
        assertThat(aliasOf(model, "lm_head.decoder.bias")).isEqualTo("lm_head.bias");
        assertThat(shape(model, "roberta.embeddings.position_embeddings.weight")).isEqualTo("[514, 768]");
        assertThat(has(model, "roberta.pooler")).isFalse();
    }

    @Test
    void robertaLargeAndTheMnliClassifier() {
        assertThat(shape(build("roberta-large"), "roberta.encoder.layer.23.output.dense.weight"))
                .isEqualTo("[1024, 4096]");
        Model mnli = build("roberta-large-mnli");
        assertThat(shape(mnli, "classifier.dense.weight")).isEqualTo("[1024, 1024]");
        assertThat(shape(mnli, "classifier.out_proj.weight")).isEqualTo("[3, 1024]");
        assertThat(has(mnli, "roberta.pooler")).isFalse();
    }

    @Test
    void otherClasses() {
        assertThat(total(build("roberta-base", "architecture", "RobertaModel"))).isEqualTo(124_645_632L);
        Model mc = build("roberta-base", "architecture", "RobertaForMultipleChoice");
        assertThat(shape(mc, "roberta.pooler.dense.weight")).isEqualTo("[768, 768]");
        assertThat(shape(mc, "classifier.weight")).isEqualTo("[1, 768]");
        Model causal = build("roberta-base", "architecture", "RobertaForCausalLM", "is_decoder", "true");
        assertThat(aliasOf(causal, "lm_head.decoder.weight")).isEqualTo("roberta.embeddings.word_embeddings.weight");
        Model token = build("roberta-base", "architecture", "RobertaForTokenClassification", "num_labels", "9");
        assertThat(shape(token, "classifier.weight")).isEqualTo("[9, 768]");
    }

    @Test
    void argumentsChangeTheArchitecture() {
        Model two = build("roberta-base", "num_hidden_layers", "2");
        assertThat(has(two, "roberta.encoder.layer.1.")).isTrue();
        assertThat(has(two, "roberta.encoder.layer.2.")).isFalse();

        Model cross = build("roberta-base", "add_cross_attention", "true", "is_decoder", "true");
        assertThat(shape(cross, "roberta.encoder.layer.0.crossattention.self.query.weight")).isEqualTo("[768, 768]");
    }

    @Test
    void refusesWhatTheLibraryRefuses() {
        assertThatThrownBy(() -> build("roberta-base", "num_attention_heads", "7"))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("The hidden size (768) is not a multiple of the number of attention heads (7)");
        assertThatThrownBy(() -> build("roberta-base", "add_cross_attention", "true"))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessageContaining("should be used as a decoder model if cross attention is added");
    }
}
