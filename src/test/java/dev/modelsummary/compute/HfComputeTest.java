package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.Bert;
import dev.modelsummary.catalog.hf.transformers.Llama;
import dev.modelsummary.catalog.hf.transformers.Gemma;
import dev.modelsummary.catalog.hf.transformers.Mistral;
import dev.modelsummary.catalog.hf.transformers.Mixtral;
import dev.modelsummary.catalog.hf.transformers.Qwen2;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward on shapes of transformers 4.40.2 families (eager attention, no cache): each golden's model, built
 * from the whole config it holds, equals torch call by call at its batch and sequence length.
 */
class HfComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();


    static Module build(HfFamily family, JsonNode truth) throws IOException {
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        return family.build(config, truth.get("builder").asText());
    }

    static Shape input(JsonNode truth) {
        return Shape.of(truth.at("/input/batch").asLong(), truth.at("/input/seq_len").asLong());
    }

    @Test
    void bertModelMatchesTorchCallByCall() throws IOException {
        matchesGolden(new Bert(), "hf-bert-1-BertModel--b1-s16.json");
    }

    @Test
    void llamaForCausalLmMatchesTorchCallByCall() throws IOException {
        matchesGolden(new Llama(), "hf-llama-2-LlamaForCausalLM--b1-s16.json");
    }

    /**
     * At any batch b and length n the FLOPs follow the formulas: linears 2*b*n*in*out, attention QK^T and AV
     * 2*b*heads*n*n*head_dim each, Llama's rotary matmul 2*(head_dim/2)*n per layer (position_ids has batch 1).
     */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 7", "3, 33", "4, 128"})
    void flopsScaleAsTheFormulasSay(long b, long n) throws IOException {
        // BERT: hidden 64, 2 heads, intermediate 256, 2 layers, pooler on the first token.
        Trace bert = build(new Bert(), GoldenTrace.read("hf-bert-1-BertModel--b1-s16.json"))
                .trace(Shape.of(b, n));
        long bertLayer = 4 * (2 * b * n * 64 * 64) + 2 * (2 * b * 2 * n * n * 32) + 2 * (2 * b * n * 64 * 256);
        assertThat(bert.totalFlops()).isEqualTo(2 * bertLayer + 2 * b * 64 * 64);
        assertThat(bert.calls().get(0).out()).containsExactly(Shape.of(b, n, 64), Shape.of(b, 64));
        assertThat(bert.calls().stream().filter(c -> c.name().equals("embeddings.position_embeddings"))
                .findFirst().orElseThrow().out()).containsExactly(Shape.of(1, n, 64));

        // Llama: hidden 128, 8 heads of 16, 2 kv heads, intermediate 344, 3 layers, vocab 1000.
        Trace llama = build(new Llama(), GoldenTrace.read("hf-llama-2-LlamaForCausalLM--b1-s16.json"))
                .trace(Shape.of(b, n));
        long projections = 2 * (2 * b * n * 128 * 128) + 2 * (2 * b * n * 128 * 32);
        long attention = 2 * (2 * b * 8 * n * n * 16);
        long rotary = 2 * 8 * n;
        long mlp = 3 * (2 * b * n * 128 * 344);
        assertThat(llama.totalFlops()).isEqualTo(3 * (projections + attention + rotary + mlp) + 2 * b * n * 128 * 1000);
        assertThat(llama.flopsByModule()).containsEntry("model.layers.2.self_attn.rotary_emb", rotary);
    }

    /**
     * Mistral 4.40.2 runs Llama's decoder, but its {@code rotary_emb(value_states, seq_len)} slices cached cos/sin
     * ((seq, head_dim) each) and runs no matmul; sliding_window (4096 here) changes nothing at seq < window.
     */
    @ParameterizedTest
    @CsvSource({"1, 16", "3, 33"})
    void mistralFollowsTheFormulasAndLlamasCallStructure(long b, long n) throws IOException {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"mistral\", \"vocab_size\": 1000, \"hidden_size\": 128, "
                + "\"intermediate_size\": 344, \"num_hidden_layers\": 3, \"num_attention_heads\": 8, "
                + "\"num_key_value_heads\": 2, \"sliding_window\": 4096}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Trace mistral = new Mistral().build(config, "MistralForCausalLM").trace(Shape.of(b, n));
        long projections = 2 * (2 * b * n * 128 * 128) + 2 * (2 * b * n * 128 * 32);
        long attention = 2 * (2 * b * 8 * n * n * 16);
        long mlp = 3 * (2 * b * n * 128 * 344);
        assertThat(mistral.totalFlops()).isEqualTo(3 * (projections + attention + mlp) + 2 * b * n * 128 * 1000);
        assertThat(mistral.calls().subList(0, 9).stream().map(c -> c.name() + " " + c.className()).toList())
                .containsExactly(" MistralForCausalLM", "model MistralModel", "model.embed_tokens Embedding",
                        "model.layers.0 MistralDecoderLayer", "model.layers.0.input_layernorm MistralRMSNorm",
                        "model.layers.0.self_attn MistralAttention", "model.layers.0.self_attn.q_proj Linear",
                        "model.layers.0.self_attn.k_proj Linear", "model.layers.0.self_attn.v_proj Linear");
        Trace.Call rotary = mistral.calls().get(9);
        assertThat(rotary.name() + " " + rotary.className()).isEqualTo("model.layers.0.self_attn.rotary_emb MistralRotaryEmbedding");
        assertThat(rotary.out()).containsExactly(Shape.of(n, 16), Shape.of(n, 16));
        assertThat(rotary.flops()).isZero();
    }

    /** Qwen2 4.40.2: Mistral's structure with q/k/v biases (not counted by FlopCounterMode's addmm: 2*m*k*n). */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 9"})
    void qwen2FollowsTheFormulasWithQkvBiases(long b, long n) throws IOException {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"qwen2\", \"vocab_size\": 1000, \"hidden_size\": 64, "
                + "\"intermediate_size\": 160, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                + "\"num_key_value_heads\": 2}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Module model = new Qwen2().build(config, "Qwen2ForCausalLM");
        Trace qwen = model.trace(Shape.of(b, n));
        long projections = 2 * (2 * b * n * 64 * 64) + 2 * (2 * b * n * 64 * 32);
        long attention = 2 * (2 * b * 4 * n * n * 16);
        long mlp = 3 * (2 * b * n * 64 * 160);
        assertThat(qwen.totalFlops()).isEqualTo(2 * (projections + attention + mlp) + 2 * b * n * 64 * 1000);
        assertThat(qwen.calls().subList(0, 6).stream().map(c -> c.name() + " " + c.className()).toList())
                .containsExactly(" Qwen2ForCausalLM", "model Qwen2Model", "model.embed_tokens Embedding",
                        "model.layers.0 Qwen2DecoderLayer", "model.layers.0.input_layernorm Qwen2RMSNorm",
                        "model.layers.0.self_attn Qwen2Attention");
        assertThat(qwen.flopsByModule()).doesNotContainKey("model.layers.1.self_attn.rotary_emb");
        // q/k/v with biases, o_proj without
        assertThat(model.child("model").child("layers").child("0").child("self_attn").parameterCount())
                .isEqualTo(64 * 64 + 64 + 2 * (64 * 32 + 32) + 64 * 64);
    }

    /** Gemma 4.40.2: head_dim apart from hidden/heads, Llama's rotary matmul, embedding scaling 0 FLOPs. */
    @ParameterizedTest
    @CsvSource({"1, 16", "2, 11"})
    void gemmaFollowsTheFormulas(long b, long n) throws IOException {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"gemma\", \"vocab_size\": 1000, \"hidden_size\": 64, "
                + "\"intermediate_size\": 96, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                + "\"num_key_value_heads\": 1, \"head_dim\": 32}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Trace gemma = new Gemma().build(config, "GemmaForCausalLM").trace(Shape.of(b, n));
        long projections = 2 * (2 * b * n * 64 * 128) + 2 * (2 * b * n * 64 * 32);
        long attention = 2 * (2 * b * 4 * n * n * 32);
        long rotary = 2 * 16 * n;
        long mlp = 3 * (2 * b * n * 64 * 96);
        assertThat(gemma.totalFlops()).isEqualTo(2 * (projections + attention + rotary + mlp) + 2 * b * n * 64 * 1000);
        assertThat(gemma.calls().subList(0, 6).stream().map(c -> c.name() + " " + c.className()).toList())
                .containsExactly(" GemmaForCausalLM", "model GemmaModel", "model.embed_tokens Embedding",
                        "model.layers.0 GemmaDecoderLayer", "model.layers.0.input_layernorm GemmaRMSNorm",
                        "model.layers.0.self_attn GemmaAttention");
        assertThat(gemma.calls().stream().filter(c -> c.name().equals("model.layers.0.mlp.act_fn")).findFirst()
                .orElseThrow().className()).isEqualTo("PytorchGELUTanh");
    }

    /**
     * Mixtral 4.40.2: the router gate on (tokens, hidden) and exactly tokens*top_k expert rows whatever the
     * routing; the per-expert calls are our deterministic share-out (not torch's), only totals are compared.
     */
    @ParameterizedTest
    @CsvSource({"1, 16", "3, 5"})
    void mixtralCountsTokensTimesTopKExpertRows(long b, long n) throws IOException {
        HfConfig config = HfConfig.parse(("{\"model_type\": \"mixtral\", \"vocab_size\": 1000, \"hidden_size\": 64, "
                + "\"intermediate_size\": 96, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                + "\"num_key_value_heads\": 2, \"num_local_experts\": 4, \"num_experts_per_tok\": 2}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Trace mixtral = new Mixtral().build(config, "MixtralForCausalLM").trace(Shape.of(b, n));
        long tokens = b * n;
        long projections = 2 * (2 * tokens * 64 * 64) + 2 * (2 * tokens * 64 * 32);
        long attention = 2 * (2 * b * 4 * n * n * 16);
        long gate = 2 * tokens * 64 * 4;
        long experts = 3 * (2 * (tokens * 2) * 64 * 96);
        assertThat(mixtral.totalFlops()).isEqualTo(2 * (projections + attention + gate + experts) + 2 * tokens * 64 * 1000);
        Trace.Call moe = mixtral.calls().stream().filter(c -> c.name().equals("model.layers.0.block_sparse_moe"))
                .findFirst().orElseThrow();
        assertThat(moe.className()).isEqualTo("MixtralSparseMoeBlock");
        assertThat(moe.out()).containsExactly(Shape.of(b, n, 64), Shape.of(tokens, 4));
        assertThat(mixtral.calls().stream().filter(c -> c.name().equals("model.layers.0.block_sparse_moe.gate"))
                .findFirst().orElseThrow().out()).containsExactly(Shape.of(tokens, 4));
        assertThat(mixtral.flopsByModule()).containsEntry("model.layers.1.block_sparse_moe", gate + experts);
    }

    static void matchesGolden(HfFamily family, String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        Module model = build(family, truth);
        GoldenTrace.assertMatches(truth, model, model.trace(input(truth)));
    }
}
