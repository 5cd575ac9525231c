package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import java.util.List;

/**
 * transformers 4.40 {@code models/roberta/modeling_roberta.py} with {@code RobertaConfig}'s defaults (those of
 * {@code BertConfig} but for the token ids, which shape nothing). {@code RobertaEmbeddings},
 * {@code RobertaSelfAttention} ... {@code RobertaModel} are BERT's, copied upstream with Bert->Roberta: only the
 * position embeddings' {@code padding_idx} differs (re-assigned in place, same shape), so {@link Bert#bertModel}
 * builds them. The heads are RoBERTa's own: {@code RobertaLMHead} (dense, layer_norm, decoder and a bias the
 * decoder shares) and {@code RobertaClassificationHead} (dense, out_proj), on a model without pooler.
 */
public final class Roberta implements HfFamily {
    static final String BASE = "RobertaModel";

    @Override
    public String modelType() {
        return "roberta";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "RobertaForCausalLM", "RobertaForMaskedLM", "RobertaForSequenceClassification",
                "RobertaForMultipleChoice", "RobertaForTokenClassification", "RobertaForQuestionAnswering");
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Bert.Sizes s = new Bert.Sizes(config);
        if (s.crossAttention && !config.bool("is_decoder", false)) {
            // RobertaLayer.__init__'s ValueError (upstream it starts with the layer's repr)
            throw new ConfigException("RobertaLayer should be used as a decoder model if cross attention is added");
        }
        Module model = new Module();
        switch (architecture) {
            case BASE -> {
                return Bert.bertModel(s, true);
            }
            case "RobertaForCausalLM", "RobertaForMaskedLM" -> {
                Module roberta = model.add("roberta", Bert.bertModel(s, false));
                Module lmHead = model.add("lm_head", lmHead(s));
                // tie_weights(): get_output_embeddings() is lm_head.decoder
                Heads.tieWeights(s.tieWordEmbeddings, lmHead.child("decoder"),
                        roberta.child("embeddings").child("word_embeddings"));
            }
            case "RobertaForSequenceClassification" -> {
                model.add("roberta", Bert.bertModel(s, false));
                model.add("classifier", classificationHead(s, config.numLabels()));
            }
            case "RobertaForMultipleChoice" -> {
                model.add("roberta", Bert.bertModel(s, true));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, 1));
            }
            case "RobertaForTokenClassification" -> {
                model.add("roberta", Bert.bertModel(s, false));
                model.add("dropout", new Module());
                model.add("classifier", Layers.linear(s.hidden, config.numLabels()));
            }
            case "RobertaForQuestionAnswering" -> {
                model.add("roberta", Bert.bertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, config.numLabels()));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /**
     * {@code RobertaLMHead}: dense, layer_norm, decoder, then its own {@code bias} (a parameter of the head, so
     * listed before the children), which becomes the decoder's bias ({@code self.decoder.bias = self.bias}).
     */
    private static Module lmHead(Bert.Sizes s) {
        Module head = new Module() {
            {
                parameter("bias", s.vocab);
            }
        };
        head.add("dense", Layers.linear(s.hidden, s.hidden));
        head.add("layer_norm", Layers.layerNorm(s.hidden));
        Module decoder = head.add("decoder", Layers.linear(s.hidden, s.vocab));
        decoder.tie("bias", head, "bias");
        return head;
    }

    /** {@code RobertaClassificationHead}: dense, dropout, out_proj. */
    private static Module classificationHead(Bert.Sizes s, long labels) {
        Module head = new Module();
        head.add("dense", Layers.linear(s.hidden, s.hidden));
        head.add("dropout", new Module());
        head.add("out_proj", Layers.linear(s.hidden, labels));
        return head;
    }
}
