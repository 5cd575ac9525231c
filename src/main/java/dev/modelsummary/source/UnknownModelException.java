package dev.modelsummary.source;

import dev.modelsummary.text.Quote;
import java.util.List;

/** A MODEL argument that is neither a built-in architecture nor an existing path. */
public final class UnknownModelException extends RuntimeException {
    private final String name;
    private final List<String> suggestions;

    public UnknownModelException(String name, List<String> suggestions) {
        this(name, suggestions, null);
    }

    /**
     * @param hubReference for a name shaped like a Hub id, the {@code hf://} reference that reads it from the
     *                     Hub; null otherwise
     */
    public UnknownModelException(String name, List<String> suggestions, String hubReference) {
        super(message(name, suggestions) + (hubReference == null ? ""
                : " To read the Hugging Face Hub repository, give " + Quote.bare(hubReference) + "."));
        this.name = name;
        this.suggestions = List.copyOf(suggestions);
    }

    public String name() {
        return name;
    }

    public List<String> suggestions() {
        return suggestions;
    }

    private static String message(String name, List<String> suggestions) {
        String base = "unknown model " + Quote.of(name) + ": not a built-in architecture nor an existing file.";
        return suggestions.isEmpty()
                ? base + " Run with --list to see the built-in names."
                : base + " Did you mean: " + String.join(", ", suggestions) + "?";
    }
}
