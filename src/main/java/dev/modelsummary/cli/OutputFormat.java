package dev.modelsummary.cli;

import java.util.Locale;

/** What {@code --format} accepts. */
enum OutputFormat {
    MD("md"),
    JSON("json"),
    TEXT("text"),
    HTML("html");

    private final String label;

    OutputFormat(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Accepts the labels and a few obvious synonyms ({@code markdown}, {@code txt}), any case. */
    static OutputFormat parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "md":
            case "markdown":
                return MD;
            case "json":
                return JSON;
            case "text":
            case "txt":
                return TEXT;
            case "html":
            case "htm":
                return HTML;
            default:
                throw new IllegalArgumentException(
                        "Invalid value for option '--format': '" + value + "' (expected md, json, text or html)");
        }
    }
}
