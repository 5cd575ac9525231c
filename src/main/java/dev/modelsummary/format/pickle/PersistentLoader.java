package dev.modelsummary.format.pickle;

/** Resolves a BINPERSID persistent id (torch: a {@code ('storage', ...)} tuple) to a value. */
@FunctionalInterface
public interface PersistentLoader {
    /** @throws dev.modelsummary.format.FormatException when the id is not one the format defines */
    Object load(Object pid);
}
