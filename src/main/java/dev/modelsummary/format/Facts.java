package dev.modelsummary.format;

import dev.modelsummary.model.Fact;

/**
 * Builds {@link Fact}s from what a file says. A file's text can be any length: every label and value read from
 * a file is cut here, so that reports (text, Markdown, JSON headers) never spell more than a line of it.
 */
public final class Facts {
    /** The longest fact value kept, in code points; real ones (a model name, a producer) are far shorter. */
    public static final int MAX_VALUE_CHARS = 200;
    /** The longest label kept when the label itself comes from a file (a safetensors metadata key). */
    public static final int MAX_LABEL_CHARS = 64;
    private static final String ELLIPSIS = "…";

    private Facts() {
    }

    /** A fact whose value came from a file: cut to {@link #MAX_VALUE_CHARS}. */
    public static Fact of(String label, String fileValue) {
        return new Fact(label, cut(fileValue, MAX_VALUE_CHARS));
    }

    /** A fact whose label and value both came from a file (a metadata key and its value). */
    public static Fact fromFile(String fileLabel, String fileValue) {
        return new Fact(cut(fileLabel, MAX_LABEL_CHARS), cut(fileValue, MAX_VALUE_CHARS));
    }

    /** {@code text} when it has at most {@code max} code points, else its first {@code max - 1} and an ellipsis. */
    public static String cut(String text, int max) {
        if (text.length() <= max || text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + ELLIPSIS;
    }
}
