package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import java.util.Optional;
import java.util.function.Supplier;

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
     * The classification heads the decoder families' modeling files copy from one another (transformers'
     * "Copied from"), by class-name suffix: {@code XForSequenceClassification} (the base, then {@code score},
     * no bias, over {@code num_labels}), {@code XForTokenClassification} (the base, then {@code classifier})
     * and {@code XForQuestionAnswering} (the base, then {@code qa_outputs}: start and end logits). Empty for
     * any other class.
     *
     * @param baseName   the attribute the base model is registered under ({@code transformer}, {@code model})
     * @param qaBaseName the same for the question-answering class, which some families name differently
     */
    static Optional<Module> classification(String architecture, String baseName, String qaBaseName,
                                           Supplier<Module> base, long hidden, long numLabels) {
        Module model = new Module();
        if (architecture.endsWith("ForSequenceClassification")) {
            model.add(baseName, base.get());
            model.add("score", Layers.linear(hidden, numLabels, false));
        } else if (architecture.endsWith("ForTokenClassification")) {
            model.add(baseName, base.get());
            model.add("classifier", Layers.linear(hidden, numLabels));
        } else if (architecture.endsWith("ForQuestionAnswering")) {
            model.add(qaBaseName, base.get());
            model.add("qa_outputs", Layers.linear(hidden, 2));
        } else {
            return Optional.empty();
        }
        return Optional.of(model);
    }
}
