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

class XLNetTest {
    @Test
    void xlnetBaseLmHeadTiesItsProjection() {
        Model model = build("xlnet-base-cased");

        assertThat(model.tensors().get(0).name()).isEqualTo("transformer.mask_emb");
        assertThat(aliasOf(model, "lm_loss.weight")).isEqualTo("transformer.word_embedding.weight");
        assertThat(shape(model, "lm_loss.bias")).isEqualTo("[32000]");
        // XLNetModel: mask_emb, word_embedding and 12 layers; the LM head adds its bias only
        // rel_attn: q k v o r, three biases, seg_embed, layer_norm; ff: layer_norm, layer_1, layer_2
        long layer = 5 * 768 * 768 + 3 * 768 + 2 * 768 + 2 * 768 + 2 * 768 + (768 * 3072 + 3072) + (3072 * 768 + 768);
        assertThat(total(model)).isEqualTo(768 + 32000L * 768 + 12 * layer + 32000);
    }

    @Test
    void xlnetLarge() {
        Model model = build("xlnet-large-cased");
        assertThat(shape(model, "transformer.layer.23.rel_attn.q")).isEqualTo("[1024, 16, 64]");
        assertThat(shape(model, "transformer.layer.23.rel_attn.seg_embed")).isEqualTo("[2, 16, 64]");
        assertThat(has(model, "transformer.layer.24.")).isFalse();
    }

    @Test
    void otherClasses() {
        Model qa = build("xlnet-base-cased", "architecture", "XLNetForQuestionAnswering");
        assertThat(shape(qa, "start_logits.dense.weight")).isEqualTo("[1, 768]");
        assertThat(shape(qa, "end_logits.dense_0.weight")).isEqualTo("[768, 1536]");
        assertThat(shape(qa, "end_logits.LayerNorm.weight")).isEqualTo("[768]");
        assertThat(shape(qa, "answer_class.dense_1.weight")).isEqualTo("[1, 768]");
        assertThat(has(qa, "answer_class.dense_1.bias")).isFalse();

        Model mc = build("xlnet-base-cased", "architecture", "XLNetForMultipleChoice");
        assertThat(shape(mc, "sequence_summary.summary.weight")).isEqualTo("[768, 768]");
        assertThat(shape(mc, "logits_proj.weight")).isEqualTo("[1, 768]");

        Model toLabels = build("xlnet-base-cased", "architecture", "XLNetForSequenceClassification",
                "summary_proj_to_labels", "true", "num_labels", "5");
        assertThat(shape(toLabels, "sequence_summary.summary.weight")).isEqualTo("[5, 768]");
        Model noProj = build("xlnet-base-cased", "architecture", "XLNetForSequenceClassification",
                "summary_use_proj", "false");
        assertThat(has(noProj, "sequence_summary.")).isFalse();

        assertThat(shape(build("xlnet-base-cased", "architecture", "XLNetForQuestionAnsweringSimple"),
                "qa_outputs.weight")).isEqualTo("[2, 768]");
        assertThat(shape(build("xlnet-base-cased", "architecture", "XLNetForTokenClassification"),
                "classifier.weight")).isEqualTo("[2, 768]");
    }

    @Test
    void argumentsChangeTheArchitecture() {
        Model two = build("xlnet-base-cased", "n_layer", "2");
        assertThat(has(two, "transformer.layer.1.")).isTrue();
        assertThat(has(two, "transformer.layer.2.")).isFalse();

        Model wide = build("xlnet-base-cased", "n_head", "8", "d_head", "96");
        assertThat(shape(wide, "transformer.layer.0.rel_attn.r_w_bias")).isEqualTo("[8, 96]");
    }

    @Test
    void refusesWhatXLNetConfigRefuses() {
        assertThatThrownBy(() -> build("xlnet-base-cased", "n_head", "7"))
                .isInstanceOf(ConfigArgumentException.class).hasMessage("'d_model % n_head' (5) should be equal to 0");
        assertThatThrownBy(() -> build("xlnet-base-cased", "n_head", "6"))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("`d_head` (64) should be equal to `d_model // n_head` (128)");
        assertThatThrownBy(() -> build("xlnet-base-cased", "architecture", "XLNetForMultipleChoice",
                "summary_type", "attn")).isInstanceOf(ConfigArgumentException.class);
    }
}
