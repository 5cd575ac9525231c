package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Falcon;
import dev.modelsummary.catalog.hf.transformers.Gemma;
import dev.modelsummary.catalog.hf.transformers.Gpt2;
import dev.modelsummary.catalog.hf.transformers.GptNeoX;
import dev.modelsummary.catalog.hf.transformers.Llama;
import dev.modelsummary.catalog.hf.transformers.Mistral;
import dev.modelsummary.catalog.hf.transformers.Mixtral;
import dev.modelsummary.catalog.hf.transformers.Phi;
import dev.modelsummary.catalog.hf.transformers.Qwen2;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of the transformers 4.40.2 decoder families GPT-2, GPT-NeoX, Falcon, Phi and the
 * Llama-like classification heads (eager attention, {@code use_cache=False}, all-zero {@code input_ids}): FLOPs
 * from the closed-form formulas at several batch/length pairs, the first calls' names and classes, the heads'
 * output shapes.
 */
class HfDecoderComputeTest {

    static Module build(HfFamily family, String json, String architecture) {
        return family.build(HfConfig.parse(json.getBytes(StandardCharsets.UTF_8)), architecture);
    }

    static Trace.Call call(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static List<String> names(Trace trace, int n) {
        return trace.calls().subList(0, n).stream().map(c -> c.name() + " " + c.className()).toList();
    }

    // ---------------------------------------------------------------- GPT-2

    private static final String GPT2 = "{\"model_type\": \"gpt2\", \"vocab_size\": 1000, \"n_embd\": 64, "
            + "\"n_layer\": 2, \"n_head\": 4, \"n_positions\": 128}";

    /** One GPT-2 block: c_attn (3h), c_proj, QK^T and AV, c_fc (4h) and c_proj back, all addmm/matmul. */
    static long gpt2Layer(long b, long n) {
        return 2 * b * n * 64 * 192 + 2 * b * n * 64 * 64 + 2 * (2 * b * 4 * n * n * 16)
                + 2 * b * n * 64 * 256 + 2 * b * n * 256 * 64;
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 128"})
    void gpt2LmHeadFollowsTheFormulas(long b, long n) {
        Trace trace = build(new Gpt2(), GPT2, "GPT2LMHeadModel").trace(Shape.of(b, n));
        assertThat(trace.totalFlops()).isEqualTo(2 * gpt2Layer(b, n) + 2 * b * n * 64 * 1000);
        assertThat(names(trace, 12)).containsExactly(" GPT2LMHeadModel", "transformer GPT2Model",
                "transformer.wte Embedding", "transformer.wpe Embedding", "transformer.drop Dropout",
                "transformer.h.0 GPT2Block", "transformer.h.0.ln_1 LayerNorm", "transformer.h.0.attn GPT2Attention",
                "transformer.h.0.attn.c_attn Conv1D", "transformer.h.0.attn.attn_dropout Dropout",
                "transformer.h.0.attn.c_proj Conv1D", "transformer.h.0.attn.resid_dropout Dropout");
        assertThat(call(trace, "transformer.wpe").out()).containsExactly(Shape.of(1, n, 64));
        assertThat(call(trace, "transformer.h.0.attn.c_attn").out()).containsExactly(Shape.of(b, n, 192));
        assertThat(call(trace, "transformer.h.0.attn.attn_dropout").out()).containsExactly(Shape.of(b, 4, n, n));
        assertThat(call(trace, "transformer.h.1.mlp.act").className()).isEqualTo("NewGELUActivation");
        assertThat(call(trace, "transformer.h.1.mlp").flops()).isEqualTo(2 * (2 * b * n * 64 * 256));
        assertThat(call(trace, "transformer.h.1.attn").flops())
                .isEqualTo(2 * b * n * 64 * 256 + 2 * (2 * b * 4 * n * n * 16));
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(b, n, 1000));
        assertThat(trace.calls().get(trace.calls().size() - 1).name()).isEqualTo("lm_head");
        // leaf outputs: wte, wpe (1, n, 64), drop; per block ln_1, c_attn, attn_dropout (b, 4, n, n), c_proj,
        // resid_dropout, ln_2, c_fc, act, c_proj, dropout; ln_f; lm_head
        long block = b * n * (64 + 192 + 64 + 64 + 64 + 256 + 256 + 64 + 64) + b * 4 * n * n;
        assertThat(trace.activations()).isEqualTo(2 * b * n * 64 + n * 64 + 2 * block + b * n * 64 + b * n * 1000);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 9"})
    void gpt2HeadsGiveTheirShapes(long b, long n) {
        String padded = GPT2.replace("}", ", \"pad_token_id\": 0, \"num_labels\": 3}");
        long base = 2 * gpt2Layer(b, n);
        Trace seq = build(new Gpt2(), padded, "GPT2ForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.calls().get(0).className()).isEqualTo("GPT2ForSequenceClassification");
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        assertThat(call(seq, "score").out()).containsExactly(Shape.of(b, n, 3));
        assertThat(seq.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);

        Trace tok = build(new Gpt2(), padded, "GPT2ForTokenClassification").trace(Shape.of(b, n));
        assertThat(tok.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));
        assertThat(call(tok, "dropout").out()).containsExactly(Shape.of(b, n, 64));
        assertThat(tok.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);

        Trace qa = build(new Gpt2(), GPT2, "GPT2ForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 2);

        Trace base0 = build(new Gpt2(), GPT2, "GPT2Model").trace(Shape.of(b, n));
        assertThat(base0.totalFlops()).isEqualTo(base);
        assertThat(base0.calls().get(0).out()).containsExactly(Shape.of(b, n, 64));

        // SequenceSummary: the last token, first_dropout (0.1), summary Linear(64, 1), Identity activation
        Trace dh = build(new Gpt2(), GPT2, "GPT2DoubleHeadsModel").trace(Shape.of(b, n));
        assertThat(dh.calls().get(0).out()).containsExactly(Shape.of(b, n, 1000), Shape.of(b));
        assertThat(call(dh, "multiple_choice_head").out()).containsExactly(Shape.of(b, 1));
        assertThat(dh.calls().subList(dh.calls().size() - 5, dh.calls().size()).stream()
                .map(c -> c.name() + " " + c.className()).toList()).containsExactly(
                "multiple_choice_head SequenceSummary", "multiple_choice_head.first_dropout Dropout",
                "multiple_choice_head.summary Linear", "multiple_choice_head.activation Identity",
                "multiple_choice_head.last_dropout Identity");
        assertThat(dh.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 1000 + 2 * b * 64);
    }

    @org.junit.jupiter.api.Test
    void gpt2RefusesWhatTorchRefuses() {
        assertThatThrownBy(() -> build(new Gpt2(), GPT2, "GPT2ForSequenceClassification").trace(Shape.of(2, 8)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("Cannot handle batch sizes > 1 if no padding token is defined.");
        assertThat(build(new Gpt2(), GPT2, "GPT2ForSequenceClassification").trace(Shape.of(1, 8))
                .calls().get(0).out()).containsExactly(Shape.of(1, 2));
        assertThatThrownBy(() -> build(new Gpt2(), GPT2, "GPT2Model").trace(Shape.of(1, 129)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("index out of range in self");
    }

    // ---------------------------------------------------------------- Llama-like heads

    private static final String LLAMA = "{\"model_type\": \"llama\", \"vocab_size\": 1000, \"hidden_size\": 128, "
            + "\"intermediate_size\": 344, \"num_hidden_layers\": 3, \"num_attention_heads\": 8, "
            + "\"num_key_value_heads\": 2, \"num_labels\": 5, \"pad_token_id\": 0}";

    /** LlamaModel: q/o 128x128, k/v 128x32, QK^T and AV over 8 heads of 16, rotary 2*8*n, MLP 3 x 128x344. */
    static long llamaModel(long b, long n) {
        long projections = 2 * (2 * b * n * 128 * 128) + 2 * (2 * b * n * 128 * 32);
        long attention = 2 * (2 * b * 8 * n * n * 16);
        return 3 * (projections + attention + 2 * 8 * n + 3 * (2 * b * n * 128 * 344));
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 40"})
    void llamaSequenceClassificationAndQuestionAnsweringHeads(long b, long n) {
        Trace seq = build(new Llama(), LLAMA, "LlamaForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.totalFlops()).isEqualTo(llamaModel(b, n) + 2 * b * n * 128 * 5);
        assertThat(names(seq, 4)).containsExactly(" LlamaForSequenceClassification", "model LlamaModel",
                "model.embed_tokens Embedding", "model.layers.0 LlamaDecoderLayer");
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 5));
        Trace.Call score = seq.calls().get(seq.calls().size() - 1);
        assertThat(score.name() + " " + score.className()).isEqualTo("score Linear");
        assertThat(score.out()).containsExactly(Shape.of(b, n, 5));

        Trace qa = build(new Llama(), LLAMA, "LlamaForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(llamaModel(b, n) + 2 * b * n * 128 * 2);
        assertThat(names(qa, 3)).containsExactly(" LlamaForQuestionAnswering", "transformer LlamaModel",
                "transformer.embed_tokens Embedding");
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
        assertThat(call(qa, "qa_outputs").out()).containsExactly(Shape.of(b, n, 2));
    }

    @org.junit.jupiter.api.Test
    void llamaSequenceClassificationWithoutPadTokenTakesOneRowOnly() {
        String noPad = LLAMA.replace(", \"pad_token_id\": 0", "");
        assertThat(build(new Llama(), noPad, "LlamaForSequenceClassification").trace(Shape.of(1, 9))
                .calls().get(0).out()).containsExactly(Shape.of(1, 5));
        assertThatThrownBy(() -> build(new Llama(), noPad, "LlamaForSequenceClassification").trace(Shape.of(2, 9)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("Cannot handle batch sizes > 1 if no padding token is defined.");
    }

    /**
     * Mistral, Qwen2, Gemma and Mixtral's ForSequenceClassification run their XModel (whose totals
     * HfComputeTest checks against the formulas) then score: the head adds 2*b*n*hidden*num_labels and pools to
     * (batch, num_labels). Gemma's config defaults pad_token_id to 0, so batch 2 is accepted without it.
     */
    @ParameterizedTest
    @CsvSource({"mistral, 2, 16", "qwen2, 2, 9", "gemma, 2, 11", "mixtral, 3, 5", "mistral, 1, 33"})
    void llamaLikeSequenceClassificationHeads(String type, long b, long n) {
        HfFamily family = switch (type) {
            case "mistral" -> new Mistral();
            case "qwen2" -> new Qwen2();
            case "gemma" -> new Gemma();
            default -> new Mixtral();
        };
        String prefix = switch (type) {
            case "mistral" -> "Mistral";
            case "qwen2" -> "Qwen2";
            case "gemma" -> "Gemma";
            default -> "Mixtral";
        };
        String json = "{\"model_type\": \"" + type + "\", \"vocab_size\": 1000, \"hidden_size\": 64, "
                + "\"intermediate_size\": 96, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                + "\"num_key_value_heads\": 2, \"head_dim\": 16, \"num_local_experts\": 4, \"num_labels\": 3"
                + (type.equals("gemma") ? "" : ", \"pad_token_id\": 0") + "}";
        Trace base = build(family, json, prefix + "Model").trace(Shape.of(b, n));
        Trace seq = build(family, json, prefix + "ForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.totalFlops()).isEqualTo(base.totalFlops() + 2 * b * n * 64 * 3);
        assertThat(names(seq, 3)).containsExactly(" " + prefix + "ForSequenceClassification",
                "model " + prefix + "Model", "model.embed_tokens Embedding");
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        assertThat(call(seq, "score").out()).containsExactly(Shape.of(b, n, 3));
        assertThat(seq.calls().size()).isEqualTo(base.calls().size() + 2);
    }

    // ---------------------------------------------------------------- Phi

    private static final String PHI = "{\"model_type\": \"phi\", \"vocab_size\": 1000, \"hidden_size\": 64, "
            + "\"intermediate_size\": 256, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
            + "\"partial_rotary_factor\": 0.4, \"num_labels\": 3, \"pad_token_id\": 0}";

    /** One Phi layer: q, k, v, dense (k/v over kvHeads of 16), QK^T and AV over 4 heads, fc1 and fc2. */
    static long phiLayer(long b, long n, long kvHeads) {
        return 2 * (2 * b * n * 64 * 64) + 2 * (2 * b * n * 64 * 16 * kvHeads) + 2 * (2 * b * 4 * n * n * 16)
                + 2 * (2 * b * n * 64 * 256);
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 50"})
    void phiFollowsTheFormulas(long b, long n) {
        Trace lm = build(new Phi(), PHI, "PhiForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * phiLayer(b, n, 4) + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 12)).containsExactly(" PhiForCausalLM", "model PhiModel", "model.embed_tokens Embedding",
                "model.embed_dropout Dropout", "model.layers.0 PhiDecoderLayer",
                "model.layers.0.input_layernorm LayerNorm", "model.layers.0.self_attn PhiAttention",
                "model.layers.0.self_attn.q_proj Linear", "model.layers.0.self_attn.k_proj Linear",
                "model.layers.0.self_attn.v_proj Linear", "model.layers.0.self_attn.rotary_emb PhiRotaryEmbedding",
                "model.layers.0.self_attn.dense Linear");
        assertThat(names(lm, 18).subList(12, 18)).containsExactly("model.layers.0.resid_dropout Dropout",
                "model.layers.0.mlp PhiMLP", "model.layers.0.mlp.fc1 Linear",
                "model.layers.0.mlp.activation_fn NewGELUActivation", "model.layers.0.mlp.fc2 Linear",
                "model.layers.0.resid_dropout Dropout");
        // partial rotary: int(0.4 * 16) = 6 dims, cached cos/sin (seq, 6), no matmul
        Trace.Call rotary = call(lm, "model.layers.1.self_attn.rotary_emb");
        assertThat(rotary.out()).containsExactly(Shape.of(n, 6), Shape.of(n, 6));
        assertThat(rotary.flops()).isZero();
        assertThat(lm.calls().get(0).out()).containsExactly(Shape.of(b, n, 1000));

        Trace seq = build(new Phi(), PHI, "PhiForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.totalFlops()).isEqualTo(2 * phiLayer(b, n, 4) + 2 * b * n * 64 * 3);
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        Trace tok = build(new Phi(), PHI, "PhiForTokenClassification").trace(Shape.of(b, n));
        assertThat(tok.totalFlops()).isEqualTo(2 * phiLayer(b, n, 4) + 2 * b * n * 64 * 3);
        assertThat(tok.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));
        assertThat(names(tok, 2)).containsExactly(" PhiForTokenClassification", "model PhiModel");
        Trace base = build(new Phi(), PHI, "PhiModel").trace(Shape.of(b, n));
        assertThat(base.totalFlops()).isEqualTo(2 * phiLayer(b, n, 4));
        assertThat(base.calls().get(0).out()).containsExactly(Shape.of(b, n, 64));
    }

    /** Grouped k/v heads and a scaled rotary change the k/v projections and the rotary class only. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 9"})
    void phiKeyValueHeadsAndRopeScaling(long b, long n) {
        String json = PHI.replace("}", ", \"num_key_value_heads\": 2, "
                + "\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}}");
        Trace lm = build(new Phi(), json, "PhiForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * phiLayer(b, n, 2) + 2 * b * n * 64 * 1000);
        assertThat(call(lm, "model.layers.0.self_attn.k_proj").out()).containsExactly(Shape.of(b, n, 32));
        assertThat(call(lm, "model.layers.0.self_attn.rotary_emb").className())
                .isEqualTo("PhiDynamicNTKScalingRotaryEmbedding");
    }

    /**
     * qk_layernorm: 4.40.2 runs LayerNorm(head_dim) on the (batch, seq, heads * head_dim) projections, so it works
     * with one head and torch refuses it with more.
     */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 5"})
    void phiQkLayernorm(long b, long n) {
        String oneHead = PHI.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 1")
                .replace("}", ", \"qk_layernorm\": true}");
        Trace lm = build(new Phi(), oneHead, "PhiForCausalLM").trace(Shape.of(b, n));
        long layer = 4 * (2 * b * n * 64 * 64) + 2 * (2 * b * n * n * 64) + 2 * (2 * b * n * 64 * 256);
        assertThat(lm.totalFlops()).isEqualTo(2 * layer + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 13).subList(10, 13)).containsExactly("model.layers.0.self_attn.q_layernorm LayerNorm",
                "model.layers.0.self_attn.k_layernorm LayerNorm", "model.layers.0.self_attn.rotary_emb PhiRotaryEmbedding");
        assertThat(call(lm, "model.layers.0.self_attn.rotary_emb").out()).containsExactly(Shape.of(n, 25), Shape.of(n, 25));

        String fourHeads = PHI.replace("}", ", \"qk_layernorm\": true}");
        assertThatThrownBy(() -> build(new Phi(), fourHeads, "PhiForCausalLM").trace(Shape.of(b, n)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("Given normalized_shape=[16], expected input with shape [*, 16], but got input "
                        + "of size[" + b + ", " + n + ", 64]");
    }

    // ---------------------------------------------------------------- GPT-NeoX

    private static final String NEOX = "{\"model_type\": \"gpt_neox\", \"vocab_size\": 1000, \"hidden_size\": 64, "
            + "\"intermediate_size\": 256, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
            + "\"rotary_pct\": 0.25, \"num_labels\": 3, \"pad_token_id\": 0}";

    /** One GPT-NeoX layer: query_key_value (3h), dense, baddbmm QK^T and AV over 4 heads of 16, the 4h MLP. */
    static long neoxLayer(long b, long n) {
        return 2 * b * n * 64 * 192 + 2 * b * n * 64 * 64 + 2 * (2 * b * 4 * n * n * 16) + 2 * (2 * b * n * 64 * 256);
    }

    @ParameterizedTest
    @CsvSource({"1, 16, true", "2, 7, true", "3, 40, false", "2, 9, false"})
    void gptNeoXFollowsTheFormulasWithAndWithoutParallelResidual(long b, long n, boolean parallel) {
        String json = NEOX.replace("}", ", \"use_parallel_residual\": " + parallel + "}");
        Trace lm = build(new GptNeoX(), json, "GPTNeoXForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * neoxLayer(b, n) + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 18)).containsExactly(" GPTNeoXForCausalLM", "gpt_neox GPTNeoXModel",
                "gpt_neox.embed_in Embedding", "gpt_neox.emb_dropout Dropout", "gpt_neox.layers.0 GPTNeoXLayer",
                "gpt_neox.layers.0.input_layernorm LayerNorm", "gpt_neox.layers.0.attention GPTNeoXAttention",
                "gpt_neox.layers.0.attention.query_key_value Linear",
                "gpt_neox.layers.0.attention.rotary_emb GPTNeoXRotaryEmbedding",
                "gpt_neox.layers.0.attention.attention_dropout Dropout", "gpt_neox.layers.0.attention.dense Linear",
                "gpt_neox.layers.0.post_attention_dropout Dropout",
                "gpt_neox.layers.0.post_attention_layernorm LayerNorm", "gpt_neox.layers.0.mlp GPTNeoXMLP",
                "gpt_neox.layers.0.mlp.dense_h_to_4h Linear", "gpt_neox.layers.0.mlp.act GELUActivation",
                "gpt_neox.layers.0.mlp.dense_4h_to_h Linear", "gpt_neox.layers.0.post_mlp_dropout Dropout");
        // rotary_ndims = int(16 * 0.25) = 4: cached cos/sin (seq, 4), no matmul
        Trace.Call rotary = call(lm, "gpt_neox.layers.1.attention.rotary_emb");
        assertThat(rotary.out()).containsExactly(Shape.of(n, 4), Shape.of(n, 4));
        assertThat(rotary.flops()).isZero();
        assertThat(call(lm, "gpt_neox.layers.0.attention.attention_dropout").out())
                .containsExactly(Shape.of(b, 4, n, n));
        assertThat(call(lm, "gpt_neox.layers.0.attention").flops())
                .isEqualTo(2 * b * n * 64 * 192 + 2 * b * n * 64 * 64 + 2 * (2 * b * 4 * n * n * 16));
        assertThat(lm.calls().get(0).out()).containsExactly(Shape.of(b, n, 1000));
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 11"})
    void gptNeoXHeadsGiveTheirShapes(long b, long n) {
        long base = 2 * neoxLayer(b, n);
        Trace model = build(new GptNeoX(), NEOX, "GPTNeoXModel").trace(Shape.of(b, n));
        assertThat(model.totalFlops()).isEqualTo(base);
        assertThat(model.calls().get(0).out()).containsExactly(Shape.of(b, n, 64));
        Trace seq = build(new GptNeoX(), NEOX, "GPTNeoXForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        Trace tok = build(new GptNeoX(), NEOX, "GPTNeoXForTokenClassification").trace(Shape.of(b, n));
        assertThat(tok.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);
        assertThat(tok.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));
        Trace qa = build(new GptNeoX(), NEOX, "GPTNeoXForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 2);
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
        assertThat(names(qa, 2)).containsExactly(" GPTNeoXForQuestionAnswering", "gpt_neox GPTNeoXModel");
        String linear = NEOX.replace("}", ", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}");
        assertThat(call(build(new GptNeoX(), linear, "GPTNeoXModel").trace(Shape.of(b, n)),
                "layers.0.attention.rotary_emb").className()).isEqualTo("GPTNeoXLinearScalingRotaryEmbedding");
    }

    // ---------------------------------------------------------------- real configs (hf-golden listings)

    static JsonNode golden(String file) throws IOException {
        try (InputStream in = HfDecoderComputeTest.class.getResourceAsStream("/hf-golden/transformers-4.40.2/" + file)) {
            return new ObjectMapper().readTree(in);
        }
    }

    /**
     * A decoder of L layers, hidden h, feed-forward f, vocab-sized head: 2*b*n*h*(4h + 2f) per layer for the
     * q/k/v/out and MLP products (no grouped heads in these three), 2 x 2*b*n*n*h for QK^T and AV, plus the head.
     */
    static long decoderFormula(long b, long n, long layers, long h, long f, long headOut) {
        return layers * (2 * b * n * h * (4 * h + 2 * f) + 2 * (2 * b * n * n * h)) + 2 * b * n * h * headOut;
    }

    @ParameterizedTest
    @CsvSource({"gpt2.json, 1, 16", "gpt2.json, 1, 200", "phi-2.json, 1, 16", "phi-2.json, 2, 33",
            "pythia-160m.json, 1, 16", "pythia-160m.json, 3, 70"})
    void realConfigsFollowTheFormulas(String file, long b, long n) throws IOException {
        JsonNode truth = golden(file);
        HfConfig config = HfConfig.parse(new ObjectMapper().writeValueAsBytes(truth.get("config")));
        String architecture = truth.get("class").asText();
        HfFamily family = switch (file) {
            case "gpt2.json" -> new Gpt2();
            case "phi-2.json" -> new Phi();
            default -> new GptNeoX();
        };
        Module model = family.build(config, architecture);
        Trace trace = model.trace(Shape.of(b, n));
        long expected = switch (file) {
            case "gpt2.json" -> decoderFormula(b, n, 12, 768, 3072, 2);
            case "phi-2.json" -> decoderFormula(b, n, 32, 2560, 10240, 51200);
            default -> decoderFormula(b, n, 12, 768, 3072, 50304);
        };
        assertThat(trace.totalFlops()).isEqualTo(expected);
        assertThat(trace.calls().get(0).className()).isEqualTo(architecture);
        assertThat(trace.calls().get(0).parameters()).isEqualTo(truth.get("total_parameters").asLong());
    }

    // ---------------------------------------------------------------- Falcon

    private static final String FALCON = "{\"model_type\": \"falcon\", \"vocab_size\": 1000, \"hidden_size\": 64, "
            + "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_labels\": 3, \"pad_token_id\": 0";

    /** One Falcon layer: query_key_value to qkvOut, dense, q.k^T and w.v over 4 heads of 16, the 4h MLP. */
    static long falconLayer(long b, long n, long qkvOut) {
        return 2 * b * n * 64 * qkvOut + 2 * b * n * 64 * 64 + 2 * (2 * b * 4 * n * n * 16) + 2 * (2 * b * n * 64 * 256);
    }

    /** falcon-7b's layout: old decoder architecture, multi-query (one k/v head broadcast in the matmuls), parallel. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 40"})
    void falconMultiQueryParallelRotary(long b, long n) {
        Trace lm = build(new Falcon(), FALCON + "}", "FalconForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * falconLayer(b, n, 64 + 32) + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 13)).containsExactly(" FalconForCausalLM", "transformer FalconModel",
                "transformer.word_embeddings Embedding", "transformer.h.0 FalconDecoderLayer",
                "transformer.h.0.input_layernorm LayerNorm", "transformer.h.0.self_attention FalconAttention",
                "transformer.h.0.self_attention.query_key_value FalconLinear",
                "transformer.h.0.self_attention.rotary_emb FalconRotaryEmbedding",
                "transformer.h.0.self_attention.dense FalconLinear", "transformer.h.0.mlp FalconMLP",
                "transformer.h.0.mlp.dense_h_to_4h FalconLinear", "transformer.h.0.mlp.act GELU",
                "transformer.h.0.mlp.dense_4h_to_h FalconLinear");
        assertThat(call(lm, "transformer.h.1.self_attention.rotary_emb").out())
                .containsExactly(Shape.of(n, 16), Shape.of(n, 16));
        assertThat(call(lm, "transformer.h.0.self_attention.query_key_value").out())
                .containsExactly(Shape.of(b, n, 96));
        assertThat(lm.calls().get(0).out()).containsExactly(Shape.of(b, n, 1000));
    }

    /** Old architecture without multi-query (full k/v), sequential residual, ALiBi: attention_dropout is called. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 9"})
    void falconAlibiSequentialFullKeyValue(long b, long n) {
        String json = FALCON + ", \"alibi\": true, \"multi_query\": false, \"parallel_attn\": false}";
        Trace lm = build(new Falcon(), json, "FalconForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * falconLayer(b, n, 192) + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 15).subList(4, 15)).containsExactly("transformer.h.0.input_layernorm LayerNorm",
                "transformer.h.0.self_attention FalconAttention",
                "transformer.h.0.self_attention.query_key_value FalconLinear",
                "transformer.h.0.self_attention.attention_dropout Dropout",
                "transformer.h.0.self_attention.dense FalconLinear",
                "transformer.h.0.post_attention_layernorm LayerNorm", "transformer.h.0.mlp FalconMLP",
                "transformer.h.0.mlp.dense_h_to_4h FalconLinear", "transformer.h.0.mlp.act GELU",
                "transformer.h.0.mlp.dense_4h_to_h FalconLinear", "transformer.h.1 FalconDecoderLayer");
        assertThat(call(lm, "transformer.h.0.self_attention.attention_dropout").out())
                .containsExactly(Shape.of(b, 4, n, n));
        assertThat(lm.calls().stream().noneMatch(c -> c.name().endsWith("rotary_emb"))).isTrue();
    }

    /** New decoder architecture (falcon-40b's): grouped k/v (2 heads) broadcast to every head, ln_attn and ln_mlp. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 5"})
    void falconNewDecoderArchitecture(long b, long n) {
        String json = FALCON + ", \"new_decoder_architecture\": true, \"num_kv_heads\": 2}";
        Trace lm = build(new Falcon(), json, "FalconForCausalLM").trace(Shape.of(b, n));
        assertThat(lm.totalFlops()).isEqualTo(2 * falconLayer(b, n, (2 * 2 + 4) * 16) + 2 * b * n * 64 * 1000);
        assertThat(names(lm, 9).subList(3, 9)).containsExactly("transformer.h.0 FalconDecoderLayer",
                "transformer.h.0.ln_attn LayerNorm", "transformer.h.0.ln_mlp LayerNorm",
                "transformer.h.0.self_attention FalconAttention",
                "transformer.h.0.self_attention.query_key_value FalconLinear",
                "transformer.h.0.self_attention.rotary_emb FalconRotaryEmbedding");
        // value_layer has every head after broadcast_to: rotary_emb(value_layer, seq_len)
        assertThat(call(lm, "transformer.h.0.self_attention.rotary_emb").in()).containsExactly(Shape.of(b, 4, n, 16));
    }

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 11"})
    void falconHeadsGiveTheirShapes(long b, long n) {
        long base = 2 * falconLayer(b, n, 96);
        Trace model = build(new Falcon(), FALCON + "}", "FalconModel").trace(Shape.of(b, n));
        assertThat(model.totalFlops()).isEqualTo(base);
        assertThat(model.calls().get(0).out()).containsExactly(Shape.of(b, n, 64));
        Trace seq = build(new Falcon(), FALCON + "}", "FalconForSequenceClassification").trace(Shape.of(b, n));
        assertThat(seq.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);
        assertThat(seq.calls().get(0).out()).containsExactly(Shape.of(b, 3));
        Trace tok = build(new Falcon(), FALCON + "}", "FalconForTokenClassification").trace(Shape.of(b, n));
        assertThat(tok.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 3);
        assertThat(tok.calls().get(0).out()).containsExactly(Shape.of(b, n, 3));
        Trace qa = build(new Falcon(), FALCON + "}", "FalconForQuestionAnswering").trace(Shape.of(b, n));
        assertThat(qa.totalFlops()).isEqualTo(base + 2 * b * n * 64 * 2);
        assertThat(qa.calls().get(0).out()).containsExactly(Shape.of(b, n), Shape.of(b, n));
    }
}
