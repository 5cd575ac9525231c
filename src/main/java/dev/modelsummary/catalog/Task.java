package dev.modelsummary.catalog;

/**
 * What a built-in model does, as the original project grouped its pages: a modality and a task, which name
 * the site's folders ({@code image/classification}, {@code language/causal_lm}: the original's names where it
 * had the group).
 */
public enum Task {
    IMAGE_CLASSIFICATION("image", "classification", "Image classification"),
    QUANTIZABLE_IMAGE_CLASSIFICATION("image", "quantizable_classification",
            "Image classification, quantizable (the float form, quantize=False)"),
    OBJECT_DETECTION("image", "detection", "Object detection, instance segmentation and keypoints"),
    SEMANTIC_SEGMENTATION("image", "segmentation", "Semantic segmentation"),
    VIDEO_CLASSIFICATION("video", "classification", "Video classification"),
    OPTICAL_FLOW("image", "optical_flow", "Optical flow"),
    IMAGE_FEATURE_EXTRACTION("image", "feature_extraction", "Image base models (features, no head)"),
    FEATURE_EXTRACTION("language", "feature_extraction", "Text base models (hidden states, no head)"),
    TEXT_CLASSIFICATION("language", "sequence_classification", "Text classification"),
    TOKEN_CLASSIFICATION("language", "token_classification", "Token classification"),
    QUESTION_ANSWERING("language", "question_answering", "Question answering"),
    MULTIPLE_CHOICE("language", "multiple_choice", "Multiple choice"),
    FILL_MASK("language", "masked_lm", "Masked language models"),
    TEXT_GENERATION("language", "causal_lm", "Causal language models (text generation)"),
    TEXT2TEXT_GENERATION("language", "seq2seq_lm", "Sequence-to-sequence (text-to-text) models"),
    PRETRAINING("language", "pretraining", "Pre-training heads");

    private final String modality;
    private final String task;
    private final String title;

    Task(String modality, String task, String title) {
        this.modality = modality;
        this.task = task;
        this.title = title;
    }

    public String modality() {
        return modality;
    }

    public String task() {
        return task;
    }

    /** The group's folder in a site, {@code modality/task}: {@code image/classification}. */
    public String group() {
        return modality + "/" + task;
    }

    /** The heading {@code --list} prints above the group. */
    public String title() {
        return title;
    }
}
