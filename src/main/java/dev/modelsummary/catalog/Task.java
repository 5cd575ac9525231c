package dev.modelsummary.catalog;

/**
 * What a built-in model does, as the original project grouped its pages: a modality and a task, which name
 * the catalog's folders ({@code image/classification}).
 */
public enum Task {
    IMAGE_CLASSIFICATION("image", "classification", "Image classification"),
    QUANTIZABLE_IMAGE_CLASSIFICATION("image", "classification",
            "Image classification, quantizable (the float form, quantize=False)"),
    OBJECT_DETECTION("image", "detection", "Object detection, instance segmentation and keypoints"),
    SEMANTIC_SEGMENTATION("image", "segmentation", "Semantic segmentation"),
    VIDEO_CLASSIFICATION("video", "classification", "Video classification"),
    OPTICAL_FLOW("image", "optical_flow", "Optical flow"),
    FEATURE_EXTRACTION("text", "feature_extraction", "Base models (hidden states, no head)"),
    TEXT_CLASSIFICATION("text", "classification", "Text classification"),
    TOKEN_CLASSIFICATION("text", "token_classification", "Token classification"),
    QUESTION_ANSWERING("text", "question_answering", "Question answering"),
    MULTIPLE_CHOICE("text", "multiple_choice", "Multiple choice"),
    FILL_MASK("text", "fill_mask", "Masked language models"),
    TEXT_GENERATION("text", "generation", "Causal language models (text generation)"),
    TEXT2TEXT_GENERATION("text", "text2text", "Sequence-to-sequence (text-to-text) models"),
    PRETRAINING("text", "pretraining", "Pre-training heads");

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

    /** The heading {@code --list} prints above the group. */
    public String title() {
        return title;
    }
}
