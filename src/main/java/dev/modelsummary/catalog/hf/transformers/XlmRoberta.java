package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;

/**
 * transformers 4.57.6 {@code models/xlm_roberta/modeling_xlm_roberta.py} with {@code XLMRobertaConfig}'s defaults
 * (RoBERTa's): every class is RoBERTa's, copied upstream with Roberta->XLMRoberta, so {@link Roberta} builds them
 * under the {@code XLMRoberta} class-name prefix. The tensors are RoBERTa's (non-persistent {@code position_ids}
 * and {@code token_type_ids} buffers, {@code lm_head.decoder} tied to the word embeddings and its bias to
 * {@code lm_head.bias}); the forward is 4.57's, whose eager self-attention also returns the attention
 * probabilities ({@link Bert.Sizes#attentionProbsOutput}).
 */
public final class XlmRoberta implements HfFamily {
    static final String PREFIX = "XLMRoberta";

    /** {@code pruned_heads} is applied while building, as {@code init_weights()} does. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public String modelType() {
        return "xlm-roberta";
    }

    @Override
    public List<String> architectures() {
        return List.of("XLMRobertaModel", "XLMRobertaForCausalLM", "XLMRobertaForMaskedLM",
                "XLMRobertaForSequenceClassification", "XLMRobertaForMultipleChoice",
                "XLMRobertaForTokenClassification", "XLMRobertaForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        // XLMRobertaEmbeddings first: word and position tables both take padding_idx=pad_token_id
        long pad = config.integer("pad_token_id", 1);
        long vocab = config.integer("vocab_size", 30522);
        long maxPositions = config.integer("max_position_embeddings", 512);
        if (pad >= vocab || pad < -vocab || pad >= maxPositions || pad < -maxPositions) {
            throw new ConfigException("Padding_idx must be within num_embeddings");
        }
        Bert.Sizes s = new Bert.Sizes(config, PREFIX, config.integer("pad_token_id", 1));
        s.attentionProbsOutput = true;
        s.activations = Act457::act;
        return Roberta.build(s, config, architecture);
    }

    /** {@code _no_split_modules} in transformers 4.57.6 of {@code XLMRobertaModel, and XLMRobertaPreTrainedModel for its heads}. */
    @Override
    public List<String> noSplitModules(String architecture) {
        return architecture.equals("XLMRobertaModel") ? List.of("XLMRobertaEmbeddings", "XLMRobertaLayer")
                : List.of("XLMRobertaEmbeddings", "XLMRobertaSelfAttention", "XLMRobertaSdpaSelfAttention");
    }
}
