package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Roberta;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of the transformers 4.40.2 encoder and encoder-decoder families (eager, no cache,
 * all-zero {@code input_ids} of shape (batch, seq)): every head's outputs, FLOPs from closed-form formulas at
 * several batch/length pairs, the first calls' names and classes, and torch's refusals.
 */
class HfEncoderComputeTest {
    /** BERT/RoBERTa: vocab 100, hidden 64, 2 layers, 4 heads of 16, intermediate 128, 3 labels. */
    private static final String BERT = "\"vocab_size\": 100, \"hidden_size\": 64, \"num_hidden_layers\": 2, "
            + "\"num_attention_heads\": 4, \"intermediate_size\": 128, \"max_position_embeddings\": 66, "
            + "\"num_labels\": 3";

    static Module build(HfFamily family, String json, String architecture) {
        return family.build(HfConfig.parse(("{" + json + "}").getBytes(StandardCharsets.UTF_8)), architecture);
    }

    static List<String> names(Trace trace, int from, int to) {
        return trace.calls().subList(from, to).stream().map(c -> c.name() + " " + c.className()).toList();
    }

    static Trace.Call first(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static long count(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).count();
    }

    /** One BERT layer: q, k, v, dense 2*b*n*h*h each, QK^T and AV 2*b*n*n*h each, the MLP 2*b*n*h*I twice. */
    static long bertLayer(long b, long n, long h, long i) {
        return 4 * (2 * b * n * h * h) + 2 * (2 * b * n * n * h) + 2 * (2 * b * n * h * i);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 33"})
    void everyBertHeadFollowsTheFormulas(long b, long n) {
        long encoder = 2 * bertLayer(b, n, 64, 128);
        long pooler = 2 * b * 64 * 64;
        long lmHead = 2 * b * n * 64 * 64 + 2 * b * n * 64 * 100;

        Trace pretraining = build(new Bert(), BERT, "BertForPreTraining").trace(Shape.of(b, n));
        assertThat(pretraining.totalFlops()).isEqualTo(encoder + pooler + lmHead + 2 * b * 64 * 2);
        assertThat(pretraining.calls().get(0).out()).containsExactly(Shape.of(b, n, 100), Shape.of(b, 2));
        int last = pretraining.calls().size();
        assertThat(names(pretraining, last - 8, last)).containsExactly("cls BertPreTrainingHeads",
                "cls.predictions BertLMPredictionHead", "cls.predictions.transform BertPredictionHeadTransform",
                "cls.predictions.transform.dense Linear", "cls.predictions.transform.transform_act_fn GELUActivation",
                "cls.predictions.transform.LayerNorm LayerNorm", "cls.predictions.decoder Linear",
                "cls.seq_relationship Linear");
        assertThat(first(pretraining, "cls").out()).containsExactly(Shape.of(b, n, 100), Shape.of(b, 2));

        for (String lm : List.of("BertForMaskedLM", "BertLMHeadModel")) {
            Trace trace = build(new Bert(), BERT, lm).trace(Shape.of(b, n));
            assertThat(trace.totalFlops()).isEqualTo(encoder + lmHead);
            assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(b, n, 100));
            assertThat(names(trace, 0, 3)).containsExactly(" " + lm, "bert BertModel", "bert.embeddings BertEmbeddings");
            assertThat(first(trace, "cls").className()).isEqualTo("BertOnlyMLMHead");
            assertThat(count(trace, "bert.pooler")).isZero();
        }

        Trace nsp = build(new Bert(), BERT, "BertForNextSentencePrediction").trace(Shape.of(b, n));
        assertThat(nsp.totalFlops()).isEqualTo(encoder + pooler + 2 * b * 64 * 2);
        assertThat(nsp.calls().get(0).out()).containsExactly(Shape.of(b, 2));
        assertThat(first(nsp, "cls").className()).isEqualTo("BertOnlyNSPHead");

        Trace sequence = build(new Bert(), BERT, "BertForSequenceClassification").trace(Shape.of(b, n));
        assertThat(sequence.totalFlops()).isEqualTo(encoder + pooler + 2 * b * 64 * 3);
        assertThat(sequence.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        int end = sequence.calls().size();
        assertThat(names(sequence, end - 2, end)).containsExactly("dropout Dropout", "classifier Linear");
        assertThat(first(sequence, "dropout").out()).containsExactly(Shape.of(b, 64));

        Trace token = build(new Bert(), BERT, "BertForTokenClassification").trace(Shape.of(b, n));
        assertThat(token.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 3);
        assertThat(token.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));

        Trace qa = build(new Bert(), BERT.replace("3", "2"), "BertForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 2);
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
    }

    @Test
    void bertQuestionAnsweringSplitsIntoExactlyTwoLogits() {
        // logits.split(1, dim=-1) gives num_labels pieces; start, end = ... unpacks two
        assertThatThrownBy(() -> build(new Bert(), BERT, "BertForQuestionAnswering").trace(Shape.of(1, 8)))
                .isInstanceOf(ShapeException.class).hasMessage("too many values to unpack (expected 2)");
        assertThatThrownBy(() -> build(new Bert(), BERT.replace("3", "1"), "BertForQuestionAnswering")
                .trace(Shape.of(1, 8))).isInstanceOf(ShapeException.class)
                .hasMessage("not enough values to unpack (expected 2, got 1)");
    }

    /**
     * With (batch, seq) input_ids, num_choices = seq, input_ids.view(-1, seq) is the same (batch, seq), and the
     * (batch, 1) logits are viewed as (-1, seq): torch refuses unless seq divides batch.
     */
    @ParameterizedTest
    @CsvSource({"4, 2", "6, 3", "5, 1"})
    void multipleChoiceViewsLogitsAsNumChoicesWhenTheyDivide(long b, long n) {
        for (HfFamily family : List.of(new Bert(), new Roberta())) {
            String name = family instanceof Bert ? "BertForMultipleChoice" : "RobertaForMultipleChoice";
            Trace trace = build(family, BERT, name).trace(Shape.of(b, n));
            assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(b / n, n));
            assertThat(trace.totalFlops()).isEqualTo(2 * bertLayer(b, n, 64, 128) + 2 * b * 64 * 64 + 2 * b * 64);
            assertThat(first(trace, "classifier").out()).containsExactly(Shape.of(b, 1));
        }
    }

    @Test
    void multipleChoiceIsRefusedInTorchsWordsWhenSeqDoesNotDivideBatch() {
        Module model = build(new Bert(), BERT, "BertForMultipleChoice");
        assertThatThrownBy(() -> model.trace(Shape.of(1, 16))).isInstanceOf(ShapeException.class)
                .hasMessage("shape '[-1, 16]' is invalid for input of size 1");
        assertThatThrownBy(() -> model.trace(Shape.of(3, 2))).isInstanceOf(ShapeException.class)
                .hasMessage("shape '[-1, 2]' is invalid for input of size 3");
    }

    @Test
    void bertRefusesSequencesLongerThanTheTokenTypeBuffer() {
        Module model = build(new Bert(), BERT, "BertModel");
        assertThat(model.trace(Shape.of(2, 66)).calls().get(0).out())
                .containsExactly(Shape.of(2, 66, 64), Shape.of(2, 64));
        assertThatThrownBy(() -> model.trace(Shape.of(2, 67))).isInstanceOf(ShapeException.class)
                .hasMessage("The expanded size of the tensor (67) must match the existing size (66) at "
                        + "non-singleton dimension 1.  Target sizes: [2, 67].  Tensor sizes: [1, 66]");
    }

    /** is_decoder: each layer's self-attention also returns (key, value); the model's outputs do not change. */
    @Test
    void bertDecoderLayersReturnTheirKeyAndValue() {
        Trace trace = build(new Bert(), BERT + ", \"is_decoder\": true", "BertLMHeadModel").trace(Shape.of(2, 5));
        assertThat(first(trace, "bert.encoder.layer.0").out())
                .containsExactly(Shape.of(2, 5, 64), Shape.of(2, 4, 5, 16), Shape.of(2, 4, 5, 16));
        assertThat(first(trace, "bert.encoder.layer.0.attention.self").out())
                .containsExactly(Shape.of(2, 5, 64), Shape.of(2, 4, 5, 16), Shape.of(2, 4, 5, 16));
        assertThat(first(trace, "bert.encoder").out()).containsExactly(Shape.of(2, 5, 64));
        assertThat(trace.totalFlops()).isEqualTo(2 * bertLayer(2, 5, 64, 128) + 2 * 2 * 5 * 64 * 64
                + 2 * 2 * 5 * 64 * 100);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 64"})
    void robertaRunsBertsClassesUnderItsOwnNames(long b, long n) {
        long encoder = 2 * bertLayer(b, n, 64, 128);
        Trace model = build(new Roberta(), BERT, "RobertaModel").trace(Shape.of(b, n));
        assertThat(model.totalFlops()).isEqualTo(encoder + 2 * b * 64 * 64);
        assertThat(names(model, 0, 12)).containsExactly(" RobertaModel", "embeddings RobertaEmbeddings",
                "embeddings.word_embeddings Embedding", "embeddings.token_type_embeddings Embedding",
                "embeddings.position_embeddings Embedding", "embeddings.LayerNorm LayerNorm",
                "embeddings.dropout Dropout", "encoder RobertaEncoder", "encoder.layer.0 RobertaLayer",
                "encoder.layer.0.attention RobertaAttention", "encoder.layer.0.attention.self RobertaSelfAttention",
                "encoder.layer.0.attention.self.query Linear");
        // create_position_ids_from_input_ids: (batch, seq), not the buffer's (1, seq)
        assertThat(first(model, "embeddings.position_embeddings").out()).containsExactly(Shape.of(b, n, 64));
        assertThat(first(model, "pooler").className()).isEqualTo("RobertaPooler");
        assertThat(first(model, "encoder.layer.1.output").className()).isEqualTo("RobertaOutput");

        for (String lm : List.of("RobertaForMaskedLM", "RobertaForCausalLM")) {
            Trace trace = build(new Roberta(), BERT, lm).trace(Shape.of(b, n));
            assertThat(trace.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 64 + 2 * b * n * 64 * 100);
            assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(b, n, 100));
            int end = trace.calls().size();
            assertThat(names(trace, end - 4, end)).containsExactly("lm_head RobertaLMHead", "lm_head.dense Linear",
                    "lm_head.layer_norm LayerNorm", "lm_head.decoder Linear");
        }

        Trace sequence = build(new Roberta(), BERT, "RobertaForSequenceClassification").trace(Shape.of(b, n));
        assertThat(sequence.totalFlops()).isEqualTo(encoder + 2 * b * 64 * 64 + 2 * b * 64 * 3);
        assertThat(sequence.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        int end = sequence.calls().size();
        assertThat(names(sequence, end - 5, end)).containsExactly("classifier RobertaClassificationHead",
                "classifier.dropout Dropout", "classifier.dense Linear", "classifier.dropout Dropout",
                "classifier.out_proj Linear");

        Trace token = build(new Roberta(), BERT, "RobertaForTokenClassification").trace(Shape.of(b, n));
        assertThat(token.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 3);
        Trace qa = build(new Roberta(), BERT.replace("3", "2"), "RobertaForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 2);
    }

    /** Position ids padding_idx+1 .. padding_idx+seq must index the position table (66 rows, padding_idx 1). */
    @Test
    void robertaPositionIdsMustFitTheTable() {
        Module model = build(new Roberta(), BERT, "RobertaModel");
        assertThat(model.trace(Shape.of(1, 64)).totalFlops()).isPositive();
        assertThatThrownBy(() -> model.trace(Shape.of(1, 65))).isInstanceOf(ShapeException.class)
                .hasMessage("index out of range in self");
        // padding_idx 0: all-zero input_ids are padding, every position id is 0
        Module padZero = build(new Roberta(), BERT + ", \"pad_token_id\": 0", "RobertaModel");
        assertThat(padZero.trace(Shape.of(1, 66)).totalFlops()).isPositive();
    }
}
