package dev.modelsummary.catalog.hf;

/**
 * A Hugging Face config the library would refuse or that model-summary cannot build: an unsupported
 * {@code model_type} or architecture class, a value of the wrong type, or values the model's constructor
 * refuses (a hidden size not divisible by the heads). The input is at fault: exit code 3; when the config builds
 * with its own values and the command line's {@code --arg} values make it fail, {@code Catalog.build} reports a
 * {@code ConfigArgumentException} instead, a usage error (exit 2).
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
