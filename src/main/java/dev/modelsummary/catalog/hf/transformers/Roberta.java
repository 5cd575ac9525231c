package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
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


    /** {@code pruned_heads} is applied (or, for T5, refused) while building. */
    @Override
    public void checkPrunedHeads(HfConfig config) {
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        return build(new Bert.Sizes(config, "Roberta", config.integer("pad_token_id", 1)), config, architecture);
    }

    /**
     * RoBERTa's model classes under the class-name prefix of {@code s} ({@code Roberta}; {@code XLMRoberta},
     * whose modeling file copies RoBERTa's with Roberta->XLMRoberta): {@code architecture} is the full class name.
     * {@code RobertaLayer.__init__} refuses cross attention without is_decoder (Bert.BertLayer, once a layer is
     * built).
     */
    static Module build(Bert.Sizes s, HfConfig config, String architecture) {
        long labels = config.numLabels();
        switch ("Roberta" + architecture.substring(s.prefix.length())) {
            case BASE -> {
                return Bert.bertModel(s, true);
            }
            case "RobertaForCausalLM", "RobertaForMaskedLM" -> {
                Module model = new Bert.EncoderHead(architecture, "roberta", Bert.Kind.SEQUENCE_TO_HEAD, "lm_head");
                Module roberta = model.add("roberta", Bert.bertModel(s, false));
                Module lmHead = model.add("lm_head", new RobertaLMHead(s));
                // tie_weights(): get_output_embeddings() is lm_head.decoder
                Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmHead.child("decoder"),
                        roberta.child("embeddings").child("word_embeddings"));
                return model;
            }
            case "RobertaForSequenceClassification" -> {
                Module model = new Bert.EncoderHead(architecture, "roberta", Bert.Kind.SEQUENCE_TO_HEAD,
                        "classifier");
                model.add("roberta", Bert.bertModel(s, false));
                model.add("classifier", new RobertaClassificationHead(s, labels));
                return model;
            }
            case "RobertaForMultipleChoice" -> {
                Module model = new Bert.EncoderHead(architecture, "roberta", Bert.Kind.MULTIPLE_CHOICE);
                model.add("roberta", Bert.bertModel(s, true));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, 1));
                return model;
            }
            case "RobertaForTokenClassification" -> {
                Module model = new Bert.EncoderHead(architecture, "roberta", Bert.Kind.TOKEN_CLASSIFIER);
                model.add("roberta", Bert.bertModel(s, false));
                model.add("dropout", Layers.dropout(0.0));
                model.add("classifier", Layers.linear(s.hidden, labels));
                return model;
            }
            case "RobertaForQuestionAnswering" -> {
                Module model = new Bert.EncoderHead(architecture, "roberta", Bert.Kind.QUESTION_ANSWERING);
                model.add("roberta", Bert.bertModel(s, false));
                model.add("qa_outputs", Layers.linear(s.hidden, labels));
                return model;
            }
            default -> throw new IllegalStateException(architecture);
        }
    }

    /**
     * {@code RobertaLMHead}: dense, layer_norm, decoder, then its own {@code bias} (a parameter of the head, so
     * listed before the children), which becomes the decoder's bias ({@code self.decoder.bias = self.bias}).
     * Forward: dense, the functional {@code gelu} (no module), layer_norm, decoder.
     */
    static final class RobertaLMHead extends Module {
        RobertaLMHead(Bert.Sizes s) {
            className(s.prefix + "LMHead");
            parameter("bias", s.vocab);
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("layer_norm", Layers.layerNormForward(s.hidden));
            Module decoder = add("decoder", Layers.linear(s.hidden, s.vocab));
            decoder.tie("bias", this, "bias");
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            Shape x = call(t, "dense", features);
            x = call(t, "layer_norm", x);
            return call(t, "decoder", x);
        }
    }

    /**
     * {@code RobertaClassificationHead}: dense, dropout, out_proj. Forward: the first token ({@code <s>}), dropout,
     * dense, {@code torch.tanh} (no module), dropout again, out_proj.
     */
    static final class RobertaClassificationHead extends Module {
        RobertaClassificationHead(Bert.Sizes s, long labels) {
            className(s.prefix + "ClassificationHead");
            add("dense", Layers.linear(s.hidden, s.hidden));
            add("dropout", Layers.dropout(0.0));
            add("out_proj", Layers.linear(s.hidden, labels));
        }

        @Override
        public Shape forward(Trace t, Shape features) {
            Shape x = Shape.of(features.dim(0), features.dim(2));
            x = call(t, "dropout", x);
            x = call(t, "dense", x);
            x = call(t, "dropout", x);
            return call(t, "out_proj", x);
        }
    }

    /** {@code _no_split_modules} in transformers 4.57.6 of {@code RobertaModel, and RobertaPreTrainedModel for its heads}. */
    @Override
    public List<String> noSplitModules(String architecture) {
        return architecture.equals("RobertaModel") ? List.of("RobertaEmbeddings", "RobertaLayer")
                : List.of("RobertaEmbeddings", "RobertaSelfAttention", "RobertaSdpaSelfAttention");
    }
}
