package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Albert;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Roberta;
import dev.modelsummary.catalog.hf.transformers.T5;
import dev.modelsummary.catalog.hf.transformers.XLNet;
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

    /** ALBERT: vocab 100, embedding 16, hidden 64, 3 layers sharing 1 group of 1 layer, 4 heads, intermediate 128. */
    private static final String ALBERT = "\"vocab_size\": 100, \"embedding_size\": 16, \"hidden_size\": 64, "
            + "\"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"intermediate_size\": 128, "
            + "\"max_position_embeddings\": 64, \"num_labels\": 3";

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 33"})
    void albertCallsItsSharedGroupOncePerLayer(long b, long n) {
        long mapping = 2 * b * n * 16 * 64;
        long encoder = mapping + 3 * bertLayer(b, n, 64, 128);
        long pooler = 2 * b * 64 * 64;
        long mlm = 2 * b * n * 64 * 16 + 2 * b * n * 16 * 100;

        Trace model = build(new Albert(), ALBERT, "AlbertModel").trace(Shape.of(b, n));
        assertThat(model.totalFlops()).isEqualTo(encoder + pooler);
        assertThat(model.calls().get(0).out()).containsExactly(Shape.of(b, n, 64), Shape.of(b, 64));
        assertThat(names(model, 0, 17)).containsExactly(" AlbertModel", "embeddings AlbertEmbeddings",
                "embeddings.word_embeddings Embedding", "embeddings.token_type_embeddings Embedding",
                "embeddings.position_embeddings Embedding", "embeddings.LayerNorm LayerNorm",
                "embeddings.dropout Dropout", "encoder AlbertTransformer",
                "encoder.embedding_hidden_mapping_in Linear", "encoder.albert_layer_groups.0 AlbertLayerGroup",
                "encoder.albert_layer_groups.0.albert_layers.0 AlbertLayer",
                "encoder.albert_layer_groups.0.albert_layers.0.attention AlbertAttention",
                "encoder.albert_layer_groups.0.albert_layers.0.attention.query Linear",
                "encoder.albert_layer_groups.0.albert_layers.0.attention.key Linear",
                "encoder.albert_layer_groups.0.albert_layers.0.attention.value Linear",
                "encoder.albert_layer_groups.0.albert_layers.0.attention.attention_dropout Dropout",
                "encoder.albert_layer_groups.0.albert_layers.0.attention.dense Linear");
        assertThat(first(model, "embeddings.word_embeddings").out()).containsExactly(Shape.of(b, n, 16));
        assertThat(first(model, "encoder.embedding_hidden_mapping_in").out()).containsExactly(Shape.of(b, n, 64));
        // the one shared group and its one layer: three calls each, under the same path
        assertThat(count(model, "encoder.albert_layer_groups.0")).isEqualTo(3);
        assertThat(count(model, "encoder.albert_layer_groups.0.albert_layers.0.ffn")).isEqualTo(3);
        assertThat(count(model, "encoder.albert_layer_groups.0.albert_layers.0.dropout")).isZero();
        assertThat(first(model, "encoder.albert_layer_groups.0.albert_layers.0.activation").className())
                .isEqualTo("NewGELUActivation");
        assertThat(model.flopsByModule()).containsEntry("encoder.albert_layer_groups.0", 3 * bertLayer(b, n, 64, 128));
        int end = model.calls().size();
        assertThat(names(model, end - 2, end)).containsExactly("pooler Linear", "pooler_activation Tanh");

        Trace pretraining = build(new Albert(), ALBERT, "AlbertForPreTraining").trace(Shape.of(b, n));
        assertThat(pretraining.totalFlops()).isEqualTo(encoder + pooler + mlm + 2 * b * 64 * 3);
        assertThat(pretraining.calls().get(0).out()).containsExactly(Shape.of(b, n, 100), Shape.of(b, 3));
        end = pretraining.calls().size();
        assertThat(names(pretraining, end - 8, end)).containsExactly("predictions AlbertMLMHead",
                "predictions.dense Linear", "predictions.activation NewGELUActivation",
                "predictions.LayerNorm LayerNorm", "predictions.decoder Linear", "sop_classifier AlbertSOPHead",
                "sop_classifier.dropout Dropout", "sop_classifier.classifier Linear");

        Trace mlmTrace = build(new Albert(), ALBERT, "AlbertForMaskedLM").trace(Shape.of(b, n));
        assertThat(mlmTrace.totalFlops()).isEqualTo(encoder + mlm);
        assertThat(mlmTrace.calls().get(0).out()).containsExactly(Shape.of(b, n, 100));

        Trace sequence = build(new Albert(), ALBERT, "AlbertForSequenceClassification").trace(Shape.of(b, n));
        assertThat(sequence.totalFlops()).isEqualTo(encoder + pooler + 2 * b * 64 * 3);
        assertThat(sequence.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        Trace token = build(new Albert(), ALBERT, "AlbertForTokenClassification").trace(Shape.of(b, n));
        assertThat(token.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 3);
        assertThat(token.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));
        Trace qa = build(new Albert(), ALBERT.replace("\"num_labels\": 3", "\"num_labels\": 2"),
                "AlbertForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(encoder + 2 * b * n * 64 * 2);
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
        Module choice = build(new Albert(), ALBERT, "AlbertForMultipleChoice");
        if (b % n == 0) {
            assertThat(choice.trace(Shape.of(b, n)).calls().get(0).out()).containsExactly(Shape.of(b / n, n));
        } else {
            assertThatThrownBy(() -> choice.trace(Shape.of(b, n))).isInstanceOf(ShapeException.class)
                    .hasMessage("shape '[-1, " + n + "]' is invalid for input of size " + b);
        }
    }

    /**
     * 4 layers over 2 groups of 2 inner layers: group int(i / 2.0) for pass i, so groups 0, 0, 1, 1, each running
     * both its layers; inner_group_num past the head-mask slice is Python's IndexError.
     */
    @Test
    void albertGroupsFollowTheFloatDivisionAndTheHeadMaskSlices() {
        String config = ALBERT.replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 4")
                + ", \"num_hidden_groups\": 2, \"inner_group_num\": 2";
        Trace trace = build(new Albert(), config, "AlbertModel").trace(Shape.of(2, 5));
        assertThat(trace.calls().stream().map(Trace.Call::name)
                .filter(name -> name.matches("encoder\\.albert_layer_groups\\.\\d(\\.albert_layers\\.\\d)?")).toList())
                .containsExactly("encoder.albert_layer_groups.0", "encoder.albert_layer_groups.0.albert_layers.0",
                        "encoder.albert_layer_groups.0.albert_layers.1", "encoder.albert_layer_groups.0",
                        "encoder.albert_layer_groups.0.albert_layers.0", "encoder.albert_layer_groups.0.albert_layers.1",
                        "encoder.albert_layer_groups.1", "encoder.albert_layer_groups.1.albert_layers.0",
                        "encoder.albert_layer_groups.1.albert_layers.1", "encoder.albert_layer_groups.1",
                        "encoder.albert_layer_groups.1.albert_layers.0", "encoder.albert_layer_groups.1.albert_layers.1");
        assertThat(trace.totalFlops()).isEqualTo(2 * 2 * 5 * 16 * 64 + 8 * bertLayer(2, 5, 64, 128) + 2 * 2 * 64 * 64);

        String tooDeep = ALBERT.replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 1")
                + ", \"inner_group_num\": 2";
        assertThatThrownBy(() -> build(new Albert(), tooDeep, "AlbertModel").trace(Shape.of(1, 4)))
                .isInstanceOf(ShapeException.class).hasMessage("list index out of range");
    }

    /** T5: vocab 100, d_model 32, 4 heads of d_kv 8, d_ff 64, 2 encoder and 3 decoder blocks, 8 buckets. */
    private static final String T5_CONFIG = "\"vocab_size\": 100, \"d_model\": 32, \"d_kv\": 8, \"num_heads\": 4, "
            + "\"d_ff\": 64, \"num_layers\": 2, \"num_decoder_layers\": 3, \"relative_attention_num_buckets\": 8";

    /** One T5 attention at q_len = k_len = n: q, k, v, o 2*b*n*32*32 each, QK^T and AV 2*b*4*n*n*8 each. */
    static long t5Attention(long b, long n) {
        return 4 * (2 * b * n * 32 * 32) + 2 * (2 * b * 4 * n * n * 8);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 33"})
    void t5EncoderAndDecoderStacksFollowTheFormulas(long b, long n) {
        for (boolean gated : List.of(false, true)) {
            String config = T5_CONFIG + (gated ? ", \"feed_forward_proj\": \"gated-gelu\"" : "");
            long ff = (gated ? 3 : 2) * (2 * b * n * 32 * 64);
            long encoder = 2 * (t5Attention(b, n) + ff);
            long decoder = 3 * (2 * t5Attention(b, n) + ff);

            Trace model = build(new T5(), config, "T5Model").trace(Shape.of(b, n));
            assertThat(model.totalFlops()).isEqualTo(encoder + decoder);
            assertThat(model.calls().get(0).out()).containsExactly(Shape.of(b, n, 32), Shape.of(b, n, 32));
            assertThat(model.flopsByModule()).containsEntry("encoder", encoder).containsEntry("decoder", decoder);

            Trace lm = build(new T5(), config, "T5ForConditionalGeneration").trace(Shape.of(b, n));
            assertThat(lm.totalFlops()).isEqualTo(encoder + decoder + 2 * b * n * 32 * 100);
            assertThat(lm.calls().get(0).out()).containsExactly(Shape.of(b, n, 100), Shape.of(b, n, 32));
            assertThat(names(lm, 0, 16)).containsExactly(" T5ForConditionalGeneration", "encoder T5Stack",
                    "encoder.embed_tokens Embedding", "encoder.dropout Dropout", "encoder.block.0 T5Block",
                    "encoder.block.0.layer.0 T5LayerSelfAttention", "encoder.block.0.layer.0.layer_norm T5LayerNorm",
                    "encoder.block.0.layer.0.SelfAttention T5Attention", "encoder.block.0.layer.0.SelfAttention.q Linear",
                    "encoder.block.0.layer.0.SelfAttention.k Linear", "encoder.block.0.layer.0.SelfAttention.v Linear",
                    "encoder.block.0.layer.0.SelfAttention.relative_attention_bias Embedding",
                    "encoder.block.0.layer.0.SelfAttention.o Linear", "encoder.block.0.layer.0.dropout Dropout",
                    "encoder.block.0.layer.1 T5LayerFF", "encoder.block.0.layer.1.layer_norm T5LayerNorm");
            String dense = gated ? "T5DenseGatedActDense" : "T5DenseActDense";
            assertThat(first(lm, "encoder.block.0.layer.1.DenseReluDense").className()).isEqualTo(dense);
            assertThat(first(lm, "encoder.block.0.layer.1.DenseReluDense.act").className())
                    .isEqualTo(gated ? "NewGELUActivation" : "ReLU");
            assertThat(first(lm, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias").out())
                    .containsExactly(Shape.of(n, n, 4));
            assertThat(first(lm, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias").flops()).isZero();
            assertThat(first(lm, "encoder.block.1").out()).containsExactly(Shape.of(b, n, 32), Shape.of(b, 4, n, n));
            assertThat(first(lm, "decoder.block.2").out())
                    .containsExactly(Shape.of(b, n, 32), Shape.of(b, 4, n, n), Shape.of(b, 4, n, n));
            assertThat(first(lm, "decoder.block.0.layer.1").className()).isEqualTo("T5LayerCrossAttention");
            assertThat(first(lm, "decoder.block.0.layer.1.EncDecAttention").flops()).isEqualTo(t5Attention(b, n));
            assertThat(count(lm, "decoder.block.1.layer.0.SelfAttention.relative_attention_bias")).isZero();
            assertThat(count(lm, "decoder.block.0.layer.0.SelfAttention.relative_attention_bias")).isOne();
            assertThat(count(lm, "decoder.embed_tokens")).isOne();
            int end = lm.calls().size();
            assertThat(names(lm, end - 3, end)).containsExactly("decoder.final_layer_norm T5LayerNorm",
                    "decoder.dropout Dropout", "lm_head Linear");

            Trace encoderOnly = build(new T5(), config, "T5EncoderModel").trace(Shape.of(b, n));
            assertThat(encoderOnly.totalFlops()).isEqualTo(encoder);
            assertThat(encoderOnly.calls().get(0).out()).containsExactly(Shape.of(b, n, 32));

            Trace qa = build(new T5(), config, "T5ForQuestionAnswering").trace(Shape.of(b, n));
            assertThat(qa.totalFlops()).isEqualTo(encoder + decoder + 2 * b * n * 32 * 2);
            assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n), Shape.of(b, n, 32));

            Trace token = build(new T5(), config + ", \"num_labels\": 5", "T5ForTokenClassification")
                    .trace(Shape.of(b, n));
            assertThat(token.totalFlops()).isEqualTo(encoder + 2 * b * n * 32 * 5);
            assertThat(token.calls().get(0).out()).containsExactly(Shape.of(b, n, 5));
            assertThat(names(token, 0, 3)).containsExactly(" T5ForTokenClassification", "transformer T5EncoderModel",
                    "transformer.encoder T5Stack");

            // eos_token_id 0: every all-zero token is <eos>, the last one's state is classified
            Trace sequence = build(new T5(), config + ", \"num_labels\": 5, \"eos_token_id\": 0",
                    "T5ForSequenceClassification").trace(Shape.of(b, n));
            assertThat(sequence.totalFlops()).isEqualTo(encoder + decoder + 2 * b * 32 * 32 + 2 * b * 32 * 5);
            assertThat(sequence.calls().get(0).out()).containsExactly(Shape.of(b, 5), Shape.of(b, n, 32));
        }
    }

    /** The default eos_token_id 1 never occurs in all-zero input_ids: view(batch, -1, hidden) of 0 elements. */
    @Test
    void t5SequenceClassificationFindsNoEosInZeroInputIds() {
        Module model = build(new T5(), T5_CONFIG, "T5ForSequenceClassification");
        assertThatThrownBy(() -> model.trace(Shape.of(2, 5))).isInstanceOf(ShapeException.class)
                .hasMessage("cannot reshape tensor of 0 elements into shape [2, -1, 32] because the unspecified "
                        + "dimension size -1 can be any value and is ambiguous");
    }

    /** XLNet: vocab 100, d_model 32, 4 heads of 8, d_inner 64, 2 layers, 3 labels; mem_len 512 (the default). */
    private static final String XLNET = "\"vocab_size\": 100, \"d_model\": 32, \"n_head\": 4, \"d_inner\": 64, "
            + "\"n_layer\": 2, \"num_labels\": 3, \"start_n_top\": 2, \"end_n_top\": 3";

    /**
     * One XLNet layer, content stream only: the q, k, v and o einsums 2*s*b*d*d each, k_head_r on the 2s relative
     * positions 2*2s*b*d*d, ac and attn_vec 2*b*s*s*d each, bd 2*b*s*2s*d; the feed-forward 2*b*s*d*64 twice.
     */
    static long xlnetLayer(long b, long s) {
        long d = 32;
        return 4 * (2 * s * b * d * d) + 2 * (2 * s) * b * d * d + 2 * (2 * b * s * s * d) + 2 * b * s * (2 * s) * d
                + 2 * (2 * b * s * d * 64);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 33"})
    void xlnetRunsTheContentStreamWithRelativePositions(long b, long n) {
        long model = 2 * xlnetLayer(b, n);
        Shape mem = Shape.of(n, b, 32);

        Trace base = build(new XLNet(), XLNET, "XLNetModel").trace(Shape.of(b, n));
        assertThat(base.totalFlops()).isEqualTo(model);
        // last_hidden_state, then mems: the input of each layer, (seq, batch, d_model)
        assertThat(base.calls().get(0).out()).containsExactly(Shape.of(b, n, 32), mem, mem);
        assertThat(names(base, 0, 16)).containsExactly(" XLNetModel", "word_embedding Embedding", "dropout Dropout",
                "dropout Dropout", "layer.0 XLNetLayer", "layer.0.rel_attn XLNetRelativeAttention",
                "layer.0.rel_attn.dropout Dropout", "layer.0.rel_attn.dropout Dropout",
                "layer.0.rel_attn.layer_norm LayerNorm", "layer.0.ff XLNetFeedForward", "layer.0.ff.layer_1 Linear",
                "layer.0.ff.activation_function GELUActivation", "layer.0.ff.dropout Dropout",
                "layer.0.ff.layer_2 Linear", "layer.0.ff.dropout Dropout", "layer.0.ff.layer_norm LayerNorm");
        assertThat(base.calls().get(1).out()).containsExactly(Shape.of(n, b, 32));
        assertThat(base.calls().get(3).out()).containsExactly(Shape.of(2 * n, b, 32));
        assertThat(base.calls().get(6).out()).containsExactly(Shape.of(b, 4, n, n));
        assertThat(base.flopsByModule()).containsEntry("layer.1.rel_attn", xlnetLayer(b, n) - 2 * (2 * b * n * 32 * 64));

        Trace lm = build(new XLNet(), XLNET, "XLNetLMHeadModel").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(model + 2 * b * n * 32 * 100);
        assertThat(lm.calls().get(0).out()).containsExactly(Shape.of(b, n, 100), mem, mem);

        Trace sequence = build(new XLNet(), XLNET, "XLNetForSequenceClassification").trace(Shape.of(b, n));
        assertThat(sequence.totalFlops()).isEqualTo(model + 2 * b * 32 * 32 + 2 * b * 32 * 3);
        assertThat(sequence.calls().get(0).out()).containsExactly(Shape.of(b, 3), mem, mem);
        int end = sequence.calls().size();
        assertThat(names(sequence, end - 6, end)).containsExactly("sequence_summary SequenceSummary",
                "sequence_summary.first_dropout Identity", "sequence_summary.summary Linear",
                "sequence_summary.activation Tanh", "sequence_summary.last_dropout Dropout", "logits_proj Linear");

        Trace token = build(new XLNet(), XLNET, "XLNetForTokenClassification").trace(Shape.of(b, n));
        assertThat(token.totalFlops()).isEqualTo(model + 2 * b * n * 32 * 3);
        assertThat(token.calls().get(0).out()).containsExactly(Shape.of(b, n, 3), mem, mem);

        Trace simple = build(new XLNet(), XLNET.replace("\"num_labels\": 3", "\"num_labels\": 2"),
                "XLNetForQuestionAnsweringSimple").trace(Shape.of(b, n));
        assertThat(simple.totalFlops()).isEqualTo(model + 2 * b * n * 32 * 2);
        assertThat(simple.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n), mem, mem);

        // beam search: start top 2, end top 3
        Trace qa = build(new XLNet(), XLNET, "XLNetForQuestionAnswering").trace(Shape.of(b, n));
        long start = 2 * b * n * 32;
        long endLogits = 2 * b * n * 2 * 64 * 32 + 2 * b * n * 2 * 32;
        long einsum = 2 * b * n * 32;
        long answer = 2 * b * 64 * 32 + 2 * b * 32;
        assertThat(qa.totalFlops()).isEqualTo(model + start + endLogits + einsum + answer);
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, 2), Shape.of(b, 2), Shape.of(b, 6),
                Shape.of(b, 6), Shape.of(b), mem, mem);
        assertThat(first(qa, "end_logits").out()).containsExactly(Shape.of(b, n, 2));
        assertThat(first(qa, "end_logits").className()).isEqualTo("PoolerEndLogits");
        assertThat(qa.flopsByModule()).containsEntry("", model + start + endLogits + einsum + answer);

        Module choice = build(new XLNet(), XLNET, "XLNetForMultipleChoice");
        if (b % n == 0) {
            assertThat(choice.trace(Shape.of(b, n)).calls().get(0).out()).containsExactly(Shape.of(b / n, n), mem, mem);
        } else {
            assertThatThrownBy(() -> choice.trace(Shape.of(b, n))).isInstanceOf(ShapeException.class)
                    .hasMessage("shape '[-1, " + n + "]' is invalid for input of size " + b);
        }
    }

    @Test
    void xlnetMemsFollowMemLenAndUseMemsEval() {
        Trace cut = build(new XLNet(), XLNET + ", \"mem_len\": 3", "XLNetModel").trace(Shape.of(2, 7));
        assertThat(cut.calls().get(0).out()).containsExactly(Shape.of(2, 7, 32), Shape.of(3, 2, 32), Shape.of(3, 2, 32));
        Trace none = build(new XLNet(), XLNET + ", \"use_mems_eval\": false", "XLNetModel").trace(Shape.of(2, 7));
        assertThat(none.calls().get(0).out()).containsExactly(Shape.of(2, 7, 32));
        // XLNetConfig reads a given use_cache as use_mems_eval (deprecated spelling): no cache, no mems
        Trace noCache = build(new XLNet(), XLNET + ", \"use_cache\": false", "XLNetModel").trace(Shape.of(2, 7));
        assertThat(noCache.calls().get(0).out()).containsExactly(Shape.of(2, 7, 32));
        // attn_type uni: klen + 1 relative positions
        Trace uni = build(new XLNet(), XLNET + ", \"attn_type\": \"uni\"", "XLNetModel").trace(Shape.of(2, 7));
        assertThat(uni.calls().get(3).out()).containsExactly(Shape.of(8, 2, 32));
        assertThat(uni.totalFlops()).isEqualTo(2 * (xlnetLayer(2, 7) - 2 * 14 * 2 * 32 * 32 + 2 * 8 * 2 * 32 * 32
                - 2 * 2 * 7 * 14 * 32 + 2 * 2 * 7 * 8 * 32));
        assertThatThrownBy(() -> build(new XLNet(), XLNET, "XLNetForQuestionAnswering").trace(Shape.of(1, 1)))
                .isInstanceOf(ShapeException.class).hasMessage("selected index k out of range");
    }

    /** relative_key(_query): distance_embedding of (n, n), then one (two) bhld,lrd->bhlr einsums of 2*b*n*n*64. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7"})
    void relativePositionTypesAddTheirEinsums(long b, long n) {
        Trace keyQuery = build(new Bert(), BERT + ", \"position_embedding_type\": \"relative_key_query\"",
                "BertModel").trace(Shape.of(b, n));
        assertThat(keyQuery.totalFlops()).isEqualTo(2 * (bertLayer(b, n, 64, 128) + 2 * (2 * b * n * n * 64))
                + 2 * b * 64 * 64);
        assertThat(count(keyQuery, "embeddings.position_embeddings")).isZero();
        assertThat(names(keyQuery, 10, 15)).containsExactly("encoder.layer.0.attention.self.query Linear",
                "encoder.layer.0.attention.self.key Linear", "encoder.layer.0.attention.self.value Linear",
                "encoder.layer.0.attention.self.distance_embedding Embedding",
                "encoder.layer.0.attention.self.dropout Dropout");
        assertThat(first(keyQuery, "encoder.layer.0.attention.self.distance_embedding").out())
                .containsExactly(Shape.of(n, n, 16));

        Trace albert = build(new Albert(), ALBERT + ", \"position_embedding_type\": \"relative_key\"",
                "AlbertModel").trace(Shape.of(b, n));
        assertThat(albert.totalFlops()).isEqualTo(2 * b * n * 16 * 64
                + 3 * (bertLayer(b, n, 64, 128) + 2 * b * n * n * 64) + 2 * b * 64 * 64);
    }

    /** Every class of the five families, from its config class's defaults, traces at (8, 8) (T5 seq-cls with eos 0). */
    @Test
    void everyArchitectureTracesFromTheDefaultConfig() {
        for (HfFamily family : List.of(new Bert(), new Roberta(), new Albert(), new T5(), new XLNet())) {
            for (String architecture : family.architectures()) {
                String json = architecture.equals("T5ForSequenceClassification") ? "\"eos_token_id\": 0" : "";
                Trace trace = build(family, json, architecture).trace(Shape.of(8, 8));
                assertThat(trace.calls().get(0).className()).as(architecture).isEqualTo(architecture);
                assertThat(trace.totalFlops()).as(architecture).isPositive();
                assertThat(trace.calls().get(0).out()).as(architecture).isNotEmpty();
            }
        }
    }

    /** More groups than layers: int(L / G) = 0 layers per group, an empty head-mask slice; bi_data needs an even batch. */
    @Test
    void albertAndXlnetRefuseWhatPythonRefuses() {
        String groups = ALBERT.replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 1")
                + ", \"num_hidden_groups\": 2";
        assertThatThrownBy(() -> build(new Albert(), groups, "AlbertModel").trace(Shape.of(1, 4)))
                .isInstanceOf(ShapeException.class).hasMessage("list index out of range");
        Module biData = build(new XLNet(), XLNET + ", \"bi_data\": true", "XLNetModel");
        assertThat(biData.trace(Shape.of(2, 5)).totalFlops()).isEqualTo(2 * xlnetLayer(2, 5));
        assertThatThrownBy(() -> biData.trace(Shape.of(3, 5))).isInstanceOf(ShapeException.class)
                .hasMessage("With bi_data, the batch size 3 should be divisible by 2");
    }
}
