package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Task;

/** What a transformers model class does, told by the suffix every family's classes share. */
final class Heads {
    private Heads() {
    }

    static Task task(String architecture) {
        if (architecture.endsWith("ForSequenceClassification")) {
            return Task.TEXT_CLASSIFICATION;
        }
        if (architecture.endsWith("ForImageClassification")) {
            return Task.IMAGE_CLASSIFICATION;
        }
        if (architecture.endsWith("ForCausalLM") || architecture.endsWith("LMHeadModel")) {
            return Task.TEXT_GENERATION;
        }
        if (architecture.endsWith("ForMaskedLM")) {
            return Task.FILL_MASK;
        }
        if (architecture.endsWith("ForConditionalGeneration")) {
            return Task.TEXT2TEXT_GENERATION;
        }
        if (architecture.endsWith("ForTokenClassification")) {
            return Task.TOKEN_CLASSIFICATION;
        }
        if (architecture.endsWith("ForQuestionAnswering") || architecture.endsWith("ForQuestionAnsweringSimple")) {
            return Task.QUESTION_ANSWERING;
        }
        if (architecture.endsWith("ForMultipleChoice")) {
            return Task.MULTIPLE_CHOICE;
        }
        if (architecture.endsWith("ForPreTraining") || architecture.endsWith("ForNextSentencePrediction")) {
            return Task.PRETRAINING;
        }
        return Task.FEATURE_EXTRACTION;
    }
}
