package dev.modelsummary.catalog;

/**
 * A Hugging Face config's build refused for the values given on the command line ({@code --arg}): the config
 * builds with its own values. A usage error like any {@link ArgumentException}; its message is the library's
 * refusal alone, without the builder's name, for the command to prefix with the MODEL as given.
 */
public final class ConfigArgumentException extends ArgumentException {
    public ConfigArgumentException(String message) {
        super(message);
    }
}
