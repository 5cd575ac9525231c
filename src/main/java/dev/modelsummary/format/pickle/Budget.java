package dev.modelsummary.format.pickle;

/** The unpickler's value budget, which stand-ins that copy containers are charged against too. */
@FunctionalInterface
public interface Budget {
    /** @throws dev.modelsummary.format.FormatException when the pickle's value limit is exceeded */
    void spend(long values);
}
