package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** What the transformers families share: the tied LM heads, the classification heads, the vision families' tasks. */
final class Heads {
    private Heads() {
    }

    /**
     * {@code PreTrainedModel.tie_weights()}: with {@code tie_word_embeddings}, the output embeddings (the LM head's
     * linear layer) share the input embeddings' weight, so {@code state_dict()} lists both names and
     * {@code named_parameters()} one. Every family's LM head is tied this one way.
     */
    static void tieWeights(boolean tieWordEmbeddings, Module outputEmbeddings, Module inputEmbeddings) {
        if (tieWordEmbeddings) {
            outputEmbeddings.tie("weight", inputEmbeddings, "weight");
        }
    }

    /**
     * The task of a vision family's class ({@code ResNetModel}, {@code MobileNetV2Model}): as
     * {@link HfFamily#taskBySuffix}, but the base model gives image features, not text hidden states.
     */
    static Task visionTask(String architecture) {
        Task task = HfFamily.taskBySuffix(architecture);
        return task == Task.FEATURE_EXTRACTION ? Task.IMAGE_FEATURE_EXTRACTION : task;
    }

    /**
     * The heads the decoder families' modeling files copy from one another (transformers' "Copied from"), with
     * their forwards, by class-name suffix: {@code XForSequenceClassification} ({@link SequenceClassification}),
     * {@code XForTokenClassification} ({@link TokenClassification}) and {@code XForQuestionAnswering}
     * ({@link QuestionAnswering}). Empty for any other class: the family builds it itself.
     *
     * @param baseName   the attribute the base model is registered under ({@code transformer}, {@code model})
     * @param qaBaseName the same for the question-answering class, which some families name differently
     */
    static Optional<Module> generic(String architecture, String baseName, String qaBaseName, Supplier<Module> base,
                                    long hidden, long numLabels, Long padTokenId) {
        if (architecture.endsWith("ForSequenceClassification")) {
            return Optional.of(new SequenceClassification(architecture, baseName, base.get(), hidden, numLabels,
                    padTokenId));
        }
        if (architecture.endsWith("ForTokenClassification")) {
            return Optional.of(new TokenClassification(architecture, baseName, base.get(), hidden, numLabels));
        }
        if (architecture.endsWith("ForQuestionAnswering")) {
            return Optional.of(new QuestionAnswering(architecture, qaBaseName, base.get(), hidden));
        }
        return Optional.empty();
    }

    /**
     * {@code start_logits, end_logits = logits.split(1, dim=-1)}, each squeezed: the shape of both, or Python's
     * refusal to unpack one piece per label (one piece when there are none) into two.
     */
    static Shape startEndLogits(Shape logits) {
        long pieces = Math.max(1, logits.dim(logits.rank() - 1));
        if (pieces < 2) {
            throw new ShapeException("not enough values to unpack (expected 2, got " + pieces + ")");
        }
        if (pieces > 2) {
            throw new ShapeException("too many values to unpack (expected 2)");
        }
        return Shape.of(java.util.Arrays.copyOf(logits.dims(), logits.rank() - 1));
    }

    /**
     * {@code XForMultipleChoice}: {@code input_ids.view(-1, input_ids.size(-1))} (refused below two dims, as
     * {@code input_ids.shape[1]} is), {@code logitsOf} those rows, and the logits viewed {@code (-1, num_choices)}.
     */
    static Shape multipleChoice(Shape inputIds, UnaryOperator<Shape> logitsOf) {
        if (inputIds.rank() < 2) {
            throw new ShapeException("tuple index out of range");
        }
        long numChoices = inputIds.dim(1);
        long last = inputIds.dim(inputIds.rank() - 1);
        Shape logits = logitsOf.apply(Shape.of(Reshape.viewRows(Exact.numel(inputIds), last), last));
        return Shape.of(Reshape.viewRows(Exact.numel(logits), numChoices), numChoices);
    }

    /** The last hidden state of a base model's call (its first output tensor). */
    static Shape lastHiddenState(Module parent, Trace t, String baseName, Shape inputIds) {
        return parent.callOutputs(t, baseName, List.of(inputIds)).get(0);
    }

    /**
     * {@code XForSequenceClassification} with its forward (transformers 4.40.2, the decoders' copies): the base
     * under {@code baseName}, {@code score} (no bias) on every position, then
     * {@code logits[arange(batch), sequence_lengths]}: the last non-pad token per row (an index from
     * {@code pad_token_id}, no FLOPs), so the output is {@code (batch, num_labels)}. Without a
     * {@code pad_token_id} a batch over 1 is refused as upstream refuses it.
     */
    static final class SequenceClassification extends Module {
        private final String baseName;
        private final Long padTokenId;

        SequenceClassification(String torchClass, String baseName, Module base, long hidden, long numLabels,
                               Long padTokenId) {
            className(torchClass);
            this.baseName = baseName;
            this.padTokenId = padTokenId;
            add(baseName, base);
            add("score", Layers.linear(hidden, numLabels, false));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape logits = call(t, "score", lastHiddenState(this, t, baseName, inputIds));
            long batch = inputIds.dim(0);
            if (padTokenId == null && batch != 1) {
                throw new ShapeException("Cannot handle batch sizes > 1 if no padding token is defined.");
            }
            return Shape.of(batch, logits.dim(logits.rank() - 1));
        }
    }

    /**
     * {@code XForTokenClassification} with its forward: the base, {@code dropout} (a call), {@code classifier} on
     * every position: {@code (batch, seq, num_labels)}.
     */
    static final class TokenClassification extends Module {
        private final String baseName;

        TokenClassification(String torchClass, String baseName, Module base, long hidden, long numLabels) {
            className(torchClass);
            this.baseName = baseName;
            add(baseName, base);
            add("dropout", Layers.dropout(0.0));
            add("classifier", Layers.linear(hidden, numLabels));
        }

        @Override
        public Shape forward(Trace t, Shape inputIds) {
            Shape hidden = call(t, "dropout", lastHiddenState(this, t, baseName, inputIds));
            return call(t, "classifier", hidden);
        }
    }

    /**
     * {@code XForQuestionAnswering} with its forward: the base, {@code qa_outputs} (hidden to 2), then
     * {@code logits.split(1, dim=-1)} squeezed: start and end logits, {@code (batch, seq)} each.
     */
    static final class QuestionAnswering extends Module {
        private final String baseName;

        QuestionAnswering(String torchClass, String baseName, Module base, long hidden) {
            className(torchClass);
            this.baseName = baseName;
            add(baseName, base);
            add("qa_outputs", Layers.linear(hidden, 2));
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            Shape logits = call(t, "qa_outputs", lastHiddenState(this, t, baseName, xs.get(0)));
            Shape squeezed = startEndLogits(logits);
            return List.of(squeezed, squeezed);
        }
    }
}
