package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Set;

/**
 * transformers 4.40 {@code models/xlnet/modeling_xlnet.py} with {@code XLNetConfig}'s defaults (those of
 * xlnet-large): relative attention whose projections are raw {@code (d_model, n_head, d_head)} parameters,
 * the {@code mask_emb} of the model, and the {@code SequenceSummary}, {@code PoolerStartLogits},
 * {@code PoolerEndLogits} and {@code PoolerAnswerClass} heads of {@code modeling_utils}. XLNet registers no
 * buffers.
 */
public final class XLNet implements HfFamily {
    static final String BASE = "XLNetModel";

    @Override
    public String modelType() {
        return "xlnet";
    }

    @Override
    public List<String> architectures() {
        return List.of(BASE, "XLNetLMHeadModel", "XLNetForSequenceClassification", "XLNetForTokenClassification",
                "XLNetForMultipleChoice", "XLNetForQuestionAnsweringSimple", "XLNetForQuestionAnswering");
    }

    /**
     * The parameters XLNet creates as {@code nn.Parameter(torch.FloatTensor(...))}: mask_emb and the relative
     * attention's q, k, v, o, r, r_r_bias, r_s_bias, r_w_bias and seg_embed. A FloatTensor is float32 whatever
     * the default dtype a model is built in, so under any torch_dtype they stay float32 (4.40 and 4.57 alike).
     */
    static final Set<String> FLOAT_TENSORS = Set.of("mask_emb", "q", "k", "v", "o", "r", "r_r_bias", "r_s_bias",
            "r_w_bias", "seg_embed");

    @Override
    public void toDType(Module model, DType dtype) {
        model.toDType(dtype, name -> !FLOAT_TENSORS.contains(name.substring(name.lastIndexOf('.') + 1)));
    }


    /** Its base model's {@code _prune_heads} raises NotImplementedError (no message). */
    @Override
    public void checkPrunedHeads(HfConfig config) {
        if (HfFamily.hasPrunedHeads(config)) {
            throw new ConfigException("NotImplementedError (pruned_heads: " + modelType()
                    + " models cannot prune heads)");
        }
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        Sizes s = new Sizes(config);
        long labels = config.numLabels();
        XLNetHead model = new XLNetHead(architecture, s);
        switch (architecture) {
            case BASE -> {
                return new XLNetModel(s);
            }
            case "XLNetLMHeadModel" -> {
                Module transformer = model.add("transformer", new XLNetModel(s));
                Module lmLoss = model.add("lm_loss", Layers.linear(s.dModel, s.vocab));
                // tie_weights(): get_output_embeddings() is lm_loss
                Heads.tieWeights(s.tieWordEmbeddings && !s.torchscript, lmLoss, transformer.child("word_embedding"));
            }
            case "XLNetForSequenceClassification" -> {
                model.add("transformer", new XLNetModel(s));
                model.add("sequence_summary", new SequenceSummary(s, config));
                model.add("logits_proj", Layers.linear(s.dModel, labels));
            }
            case "XLNetForTokenClassification" -> {
                model.add("transformer", new XLNetModel(s));
                model.add("classifier", Layers.linear(s.dModel, labels));
            }
            case "XLNetForMultipleChoice" -> {
                model.add("transformer", new XLNetModel(s));
                model.add("sequence_summary", new SequenceSummary(s, config));
                model.add("logits_proj", Layers.linear(s.dModel, 1));
            }
            case "XLNetForQuestionAnsweringSimple" -> {
                model.add("transformer", new XLNetModel(s));
                model.add("qa_outputs", Layers.linear(s.dModel, labels));
            }
            case "XLNetForQuestionAnswering" -> {
                model.add("transformer", new XLNetModel(s));
                Module start = model.add("start_logits", new Pooler("PoolerStartLogits"));
                start.add("dense", Layers.linear(s.dModel, 1));
                Module end = model.add("end_logits", new Pooler("PoolerEndLogits"));
                end.add("dense_0", Layers.linear(Dims.mul(2, s.dModel), s.dModel));
                end.add("activation", Layers.tanh());
                end.add("LayerNorm", Layers.layerNormForward(s.dModel));
                end.add("dense_1", Layers.linear(s.dModel, 1));
                Module answer = model.add("answer_class", new Pooler("PoolerAnswerClass"));
                answer.add("dense_0", Layers.linear(Dims.mul(2, s.dModel), s.dModel));
                answer.add("activation", Layers.tanh());
                answer.add("dense_1", Layers.linear(s.dModel, 1, false));
            }
            default -> throw new IllegalStateException(architecture);
        }
        return model;
    }

    /**
     * The sizes {@code XLNetConfig} gives, with its defaults and checks. {@code d_head} is always
     * {@code d_model // n_head}; a {@code d_head} in the config must equal it. The {@code attribute_map} names
     * ({@code hidden_size}, {@code num_attention_heads}, {@code num_hidden_layers}, {@code n_token}) are set by
     * {@code PretrainedConfig.__init__}, which XLNetConfig calls last: they win, after the checks.
     */
    static final class Sizes {
        final long vocab;
        final long dModel;
        final long layers;
        final long heads;
        final long dHead;
        final long dInner;
        /** {@code _tie_or_clone_weights} clones instead of tying under {@code torchscript}. */
        final boolean torchscript;
        final boolean tieWordEmbeddings;
        final String attnType;
        final boolean biData;
        final String ffActivation;
        /** {@code mem_len} (512 by default; None or 0: every state is kept). */
        final Long memLen;
        final Long reuseLen;
        /**
         * {@code use_mems_eval} (True), or {@code use_cache} when the config has it: in eval mode the model
         * returns the new mems, one per layer.
         */
        final boolean useMems;
        final long startNTop;
        final long endNTop;

        Sizes(HfConfig c) {
            attnType = c.string("attn_type", "bi");
            biData = c.bool("bi_data", false);
            ffActivation = c.string("ff_activation", "gelu");
            memLen = c.has("mem_len") ? c.optionalInteger("mem_len") : Long.valueOf(512);
            reuseLen = c.optionalInteger("reuse_len");
            // XLNetConfig takes the deprecated use_cache as use_mems_eval when given (a FutureWarning)
            useMems = c.has("use_cache") ? c.bool("use_cache", true) : c.bool("use_mems_eval", true);
            startNTop = c.integer("start_n_top", 5);
            endNTop = c.integer("end_n_top", 5);
            long dModel = c.integer("d_model", 1024);
            long heads = c.integer("n_head", 16);
            if (heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (Math.floorMod(dModel, heads) != 0) {
                throw new ConfigException("'d_model % n_head' (" + Math.floorMod(dModel, heads)
                        + ") should be equal to 0");
            }
            long dHead = Math.floorDiv(dModel, heads);
            JsonNode given = c.node("d_head");
            if (given != null) {
                Long value = given.isNull() ? null : c.optionalInteger("d_head");
                if (value == null || value != dHead) {
                    throw new ConfigException("`d_head` (" + (value == null ? "None" : value)
                            + ") should be equal to `d_model // n_head` (" + dHead + ")");
                }
            }
            this.dHead = dHead;
            this.vocab = c.integer("n_token", c.integer("vocab_size", 32000));
            this.dModel = c.integer("hidden_size", dModel);
            this.heads = c.integer("num_attention_heads", heads);
            this.layers = c.integer("num_hidden_layers", c.integer("n_layer", 24));
            this.dInner = c.integer("d_inner", 4096);
            this.tieWordEmbeddings = c.bool("tie_word_embeddings", true);
            torchscript = c.bool("torchscript", false);
        }
    }

    /** {@code torch.einsum} of two operands with a contraction: one bmm, 2 x the product of every index's size. */
    static long einsumFlops(long... sizes) {
        long flops = 2;
        for (long size : sizes) {
            flops = Exact.mul(flops, size);
        }
        return flops;
    }

    /**
     * {@code XLNetModel}: mask_emb (its own parameter, so first), word_embedding, layer, dropout. Forward
     * (4.40.2, eval, no mask, no mems in, no target_mapping, no token types): input_ids transposed to
     * (seq, batch); word_embedding, dropout; the relative positional encoding of {@code klen + qlen} positions
     * ({@code klen + 1} for {@code attn_type} uni), whose {@code "i,d->id"} einsum is a broadcast multiply (no
     * contraction, no FLOPs), expanded to the batch, dropout; each layer (content stream only), caching its input
     * as a new mem when {@code use_mems_eval}; dropout; back to (batch, seq, d_model). Outputs: the last hidden
     * state, then the mems (each (seq, batch, d_model), cut to {@code reuse_len} / the last {@code mem_len}).
     */
    static final class XLNetModel extends Module {
        private final Sizes s;

        XLNetModel(Sizes s) {
            this.s = s;
            parameter("mask_emb", 1, 1, s.dModel);
            add("word_embedding", Layers.embeddingForward(s.vocab, s.dModel));
            Sequential layer = add("layer", new Sequential());
            for (long i = 0; i < s.layers; i++) {
                layer.append(new XLNetLayer(s));
            }
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            if (inputIds.rank() < 2) {
                throw new ShapeException("Dimension out of range (expected to be in range of [-1, 0], but got 1)");
            }
            if (inputIds.rank() > 2) {
                throw new UnsupportedOperationException("XLNetModel with input_ids of rank " + inputIds.rank()
                        + " has no forward pass yet");
            }
            long qlen = inputIds.dim(1);
            long bsz = inputIds.dim(0);
            long klen = qlen; // no mems given: mlen = 0
            long rlen;
            switch (s.attnType) {
                case "bi" -> rlen = Exact.add(klen, qlen); // arange(klen, -qlen, -1)
                case "uni" -> rlen = Exact.add(klen, 1); // arange(klen, -1, -1)
                default -> throw new ShapeException("Unsupported attention type: " + s.attnType);
            }
            Shape wordEmbK = call(t, "word_embedding", Shape.of(qlen, bsz));
            Shape outputH = call(t, "dropout", wordEmbK);
            if (s.biData && bsz % 2 != 0) {
                throw new ShapeException("With bi_data, the batch size " + bsz + " should be divisible by 2");
            }
            Shape posEmb = call(t, "dropout", Shape.of(rlen, bsz, s.dModel));
            List<Shape> mems = new java.util.ArrayList<>();
            for (String i : child("layer").childrenWithEmptyPlaces().keySet()) {
                if (s.useMems) {
                    mems.add(cacheMem(outputH));
                }
                outputH = callOutputs(t, "layer", i, List.of(outputH, posEmb)).get(0);
            }
            Shape output = call(t, "dropout", outputH);
            List<Shape> outputs = new java.util.ArrayList<>();
            outputs.add(Shape.of(output.dim(1), output.dim(0), output.dim(2)));
            outputs.addAll(mems);
            return outputs;
        }

        /** {@code cache_mem(curr_out, None)}: {@code curr_out[:reuse_len]} when set, then {@code [-mem_len:]}. */
        private Shape cacheMem(Shape currOut) {
            long len = currOut.dim(0);
            if (s.reuseLen != null && s.reuseLen > 0) {
                len = Math.min(len, s.reuseLen);
            }
            long cutoff = s.memLen == null || s.memLen == 0 ? 0 : -s.memLen;
            long start = cutoff < 0 ? Math.max(0, len + cutoff) : Math.min(cutoff, len);
            return Shape.of(len - start, currOut.dim(1), currOut.dim(2));
        }
    }

    /** {@code XLNetLayer(output_h, output_g=None, ..., r)}: rel_attn, then ff on the content stream. */
    static final class XLNetLayer extends Module {
        XLNetLayer(Sizes s) {
            add("rel_attn", new XLNetRelativeAttention(s));
            add("ff", new XLNetFeedForward(s));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape outputH = callOutputs(t, "rel_attn", xs).get(0);
            return List.of(call(t, "ff", outputH));
        }
    }

    /** {@code XLNetFeedForward}: layer_1, activation_function, dropout, layer_2, dropout, layer_norm of the sum. */
    static final class XLNetFeedForward extends Module {
        XLNetFeedForward(Sizes s) {
            add("layer_norm", Layers.layerNormForward(s.dModel));
            add("layer_1", Layers.linear(s.dModel, s.dInner));
            add("layer_2", Layers.linear(s.dInner, s.dModel));
            add("dropout", Layers.dropout(0.0));
            add("activation_function", Bert.act(s.ffActivation));
        }

        @Override
        public Shape forward(Trace t, Shape inp) {
            Shape output = call(t, "layer_1", inp);
            output = call(t, "activation_function", output);
            output = call(t, "dropout", output);
            output = call(t, "layer_2", output);
            output = call(t, "dropout", output);
            return call(t, "layer_norm", Reshape.broadcast(output, inp));
        }
    }

    /**
     * {@code XLNetRelativeAttention}: q, k, v, o, r {@code (d_model, n_head, d_head)}, the biases
     * r_r_bias, r_s_bias, r_w_bias {@code (n_head, d_head)}, seg_embed {@code (2, n_head, d_head)}, layer_norm,
     * dropout. Forward {@code (h, g=None, ..., r)} (content stream): the einsums {@code ibh,hnd->ibnd} for q, k,
     * v on h and k_head_r on r; {@code rel_attn_core}: {@code ac = ibnd,jbnd->bnij} (q + r_w_bias, k),
     * {@code bd} the same on k_head_r (rlen keys) then {@code rel_shift_bnij} to klen (no FLOPs), no segment
     * term, softmax, dropout, {@code attn_vec = bnij,jbnd->ibnd}; {@code post_attention}: {@code ibnd,hnd->ibh}
     * with o, dropout, layer_norm of the residual sum. Every einsum is one bmm.
     */
    static final class XLNetRelativeAttention extends Module {
        private final long dModel;
        private final long heads;
        private final long dHead;

        XLNetRelativeAttention(Sizes s) {
            if (s.heads == 0) {
                throw new ConfigException("integer division or modulo by zero");
            }
            if (Math.floorMod(s.dModel, s.heads) != 0) {
                // its own ValueError, reached when hidden_size or num_attention_heads was set after the config's check
                throw new ConfigException("The hidden size (" + s.dModel + ") is not a multiple of the number of "
                        + "attention heads (" + s.heads);
            }
            dModel = s.dModel;
            heads = s.heads;
            dHead = s.dHead;
            for (String name : List.of("q", "k", "v", "o", "r")) {
                parameter(name, s.dModel, s.heads, s.dHead);
            }
            for (String name : List.of("r_r_bias", "r_s_bias", "r_w_bias")) {
                parameter(name, s.heads, s.dHead);
            }
            parameter("seg_embed", 2, s.heads, s.dHead);
            add("layer_norm", Layers.layerNormForward(s.dModel));
            add("dropout", Layers.dropout(0.0));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape h = xs.get(0);
            Shape r = xs.get(1);
            long qlen = h.dim(0);
            long bsz = h.dim(1);
            long klen = qlen;
            long rlen = r.dim(0);
            // q_head_h, k_head_h, v_head_h: ibh,hnd->ibnd on h; k_head_r on r
            t.flops(einsumFlops(qlen, bsz, dModel, heads, dHead));
            t.flops(einsumFlops(klen, bsz, dModel, heads, dHead));
            t.flops(einsumFlops(klen, bsz, dModel, heads, dHead));
            t.flops(einsumFlops(rlen, bsz, dModel, heads, dHead));
            // ac, bd: ibnd,jbnd->bnij; rel_shift_bnij keeps klen of bd's rlen - 1 columns
            t.flops(einsumFlops(bsz, heads, qlen, klen, dHead));
            t.flops(einsumFlops(bsz, heads, qlen, rlen, dHead));
            if (rlen - 1 < klen) {
                throw new ShapeException("index out of range in self");
            }
            Shape attnProb = call(t, "dropout", Shape.of(bsz, heads, qlen, klen));
            // attn_vec: bnij,jbnd->ibnd
            t.flops(einsumFlops(attnProb.dim(0), heads, qlen, klen, dHead));
            // post_attention: ibnd,hnd->ibh, dropout, layer_norm(attn_out + h)
            t.flops(einsumFlops(qlen, bsz, heads, dHead, dModel));
            Shape attnOut = call(t, "dropout", Shape.of(qlen, bsz, dModel));
            return List.of(call(t, "layer_norm", Reshape.broadcast(attnOut, h)));
        }
    }

    /**
     * {@code SequenceSummary(config)} (modeling_utils): {@code summary} a Linear when {@code summary_use_proj}
     * (to {@code num_labels} when {@code summary_proj_to_labels} and there are labels, else to hidden_size), else
     * an Identity; {@code activation} ({@code get_activation(summary_activation)}, else Identity);
     * {@code first_dropout}/{@code last_dropout} a Dropout when their rate is above 0, else Identity. Forward: the
     * summary token ({@code last}, {@code first}, {@code mean}, {@code cls_index} of the last token), then
     * first_dropout, summary, activation, last_dropout.
     */
    static final class SequenceSummary extends Module {
        private final String summaryType;

        SequenceSummary(Sizes s, HfConfig config) {
            summaryType = config.string("summary_type", "last");
            if (summaryType.equals("attn")) {
                throw new ConfigException("summary_type 'attn' is not implemented (SequenceSummary raises "
                        + "NotImplementedError)");
            }
            if (config.bool("summary_use_proj", true)) {
                long classes = config.bool("summary_proj_to_labels", false) && config.numLabels() > 0
                        ? config.numLabels() : s.dModel;
                add("summary", Layers.linear(s.dModel, classes));
            } else {
                add("summary", Layers.activation("Identity"));
            }
            String activation = config.string("summary_activation", "tanh");
            add("activation", activation == null || activation.isEmpty() ? Layers.activation("Identity")
                    : Bert.act(activation));
            add("first_dropout", config.real("summary_first_dropout", 0) > 0 ? Layers.dropout(0.0)
                    : Layers.activation("Identity"));
            add("last_dropout", config.real("summary_last_dropout", 0.1) > 0 ? Layers.dropout(0.0)
                    : Layers.activation("Identity"));
        }

        @Override
        public Shape forward(Trace t, Shape hiddenStates) {
            if (!List.of("last", "first", "mean", "cls_index").contains(summaryType)) {
                throw new ShapeException("cannot access local variable 'output' where it is not associated with a "
                        + "value");
            }
            Shape output = Shape.of(hiddenStates.dim(0), hiddenStates.dim(2));
            output = call(t, "first_dropout", output);
            output = call(t, "summary", output);
            output = call(t, "activation", output);
            return call(t, "last_dropout", output);
        }
    }

    /**
     * {@code PoolerStartLogits(hidden_states)}: dense, squeeze(-1). {@code PoolerEndLogits(hidden_states,
     * start_states)}: dense_0 of both concatenated, activation, LayerNorm, dense_1, squeeze(-1).
     * {@code PoolerAnswerClass(hidden_states, start_states)}: dense_0 of start_states and the last token's state,
     * activation, dense_1, squeeze(-1).
     */
    static final class Pooler extends Module {
        private final String torchClass;

        Pooler(String torchClass) {
            className(torchClass);
            this.torchClass = torchClass;
        }

        private static Shape squeezeLast(Shape x) {
            return x.dim(x.rank() - 1) == 1 ? Shape.of(java.util.Arrays.copyOf(x.dims(), x.rank() - 1)) : x;
        }

        @Override
        public Shape forward(Trace t, List<Shape> xs) {
            Shape hiddenStates = xs.get(0);
            switch (torchClass) {
                case "PoolerStartLogits" -> {
                    return squeezeLast(call(t, "dense", hiddenStates));
                }
                case "PoolerEndLogits" -> {
                    Shape x = call(t, "dense_0", Reshape.cat(List.of(hiddenStates, xs.get(1)), -1));
                    x = call(t, "activation", x);
                    x = call(t, "LayerNorm", x);
                    return squeezeLast(call(t, "dense_1", x));
                }
                default -> {
                    Shape clsTokenState = Shape.of(hiddenStates.dim(0), hiddenStates.dim(2));
                    Shape x = call(t, "dense_0", Reshape.cat(List.of(xs.get(1), clsTokenState), -1));
                    x = call(t, "activation", x);
                    return squeezeLast(call(t, "dense_1", x));
                }
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            return forward(t, List.of(x));
        }
    }

    /**
     * The XLNet head classes' forwards (4.40.2, eval): the transformer, then the head; the outputs are the head's
     * tensors followed by the transformer's mems. XLNetForQuestionAnswering without positions runs the beam
     * search: start_logits, top start_n_top starts (torch refuses k past the length), end_logits over the
     * (batch, seq, start_n_top) expansion, top end_n_top ends, the {@code blh,bl->bh} einsum (one bmm, counted
     * here) and answer_class.
     */
    static final class XLNetHead extends Module {
        private final String torchClass;
        private final Sizes s;

        XLNetHead(String torchClass, Sizes s) {
            className(torchClass);
            this.torchClass = torchClass;
            this.s = s;
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape inputIds = xs.get(0);
            List<Shape> outputs = new java.util.ArrayList<>();
            List<Shape> transformerOutputs;
            switch (torchClass) {
                case "XLNetLMHeadModel" -> {
                    transformerOutputs = callOutputs(t, "transformer", inputIds);
                    outputs.add(call(t, "lm_loss", transformerOutputs.get(0)));
                }
                case "XLNetForSequenceClassification" -> {
                    transformerOutputs = callOutputs(t, "transformer", inputIds);
                    Shape output = call(t, "sequence_summary", transformerOutputs.get(0));
                    outputs.add(call(t, "logits_proj", output));
                }
                case "XLNetForTokenClassification" -> {
                    transformerOutputs = callOutputs(t, "transformer", inputIds);
                    outputs.add(call(t, "classifier", transformerOutputs.get(0)));
                }
                case "XLNetForMultipleChoice" -> {
                    if (inputIds.rank() < 2) {
                        throw new ShapeException("tuple index out of range");
                    }
                    long numChoices = inputIds.dim(1);
                    long last = inputIds.dim(inputIds.rank() - 1);
                    long numel = Exact.numel(inputIds);
                    long rows = Reshape.viewRows(numel, last);
                    transformerOutputs = callOutputs(t, "transformer", Shape.of(rows, last));
                    Shape output = call(t, "sequence_summary", transformerOutputs.get(0));
                    Shape logits = call(t, "logits_proj", output);
                    long size = Exact.numel(logits);
                    outputs.add(Shape.of(Reshape.viewRows(size, numChoices), numChoices));
                }
                case "XLNetForQuestionAnsweringSimple" -> {
                    transformerOutputs = callOutputs(t, "transformer", inputIds);
                    Shape logits = call(t, "qa_outputs", transformerOutputs.get(0));
                    Shape squeezed = Heads.startEndLogits(logits);
                    outputs.add(squeezed);
                    outputs.add(squeezed);
                }
                default -> {
                    transformerOutputs = callOutputs(t, "transformer", inputIds);
                    Shape hiddenStates = transformerOutputs.get(0);
                    long bsz = hiddenStates.dim(0);
                    long slen = hiddenStates.dim(1);
                    long hsz = hiddenStates.dim(2);
                    call(t, "start_logits", hiddenStates);
                    topk(s.startNTop, slen);
                    Shape startStates = Shape.of(bsz, slen, s.startNTop, hsz);
                    Shape endLogits = call(t, "end_logits", List.of(startStates, startStates));
                    topk(s.endNTop, endLogits.dim(1));
                    long beams = Exact.mul(s.startNTop, s.endNTop);
                    // start_states = einsum("blh,bl->bh", hidden_states, start_log_probs)
                    t.flops(einsumFlops(bsz, slen, hsz));
                    Shape clsLogits = call(t, "answer_class", List.of(hiddenStates, Shape.of(bsz, hsz)));
                    outputs.add(Shape.of(bsz, s.startNTop));
                    outputs.add(Shape.of(bsz, s.startNTop));
                    outputs.add(Shape.of(bsz, beams));
                    outputs.add(Shape.of(bsz, beams));
                    outputs.add(clsLogits);
                }
            }
            outputs.addAll(transformerOutputs.subList(1, transformerOutputs.size()));
            return outputs;
        }

        /** {@code torch.topk(x, k, dim)} over a dim of {@code size}. */
        private static void topk(long k, long size) {
            if (k < 0 || k > size) {
                throw new ShapeException("selected index k out of range");
            }
        }
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of(); // None
    }
}
