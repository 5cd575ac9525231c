package dev.modelsummary.format.pickle;

/**
 * What a GLOBAL or STACK_GLOBAL opcode names: a symbol, never an imported class. Whether calling it does anything
 * is up to the {@link Allowlist}; an unknown one is an inert placeholder.
 */
public record PyGlobal(String module, String name) {

    /** {@code module.name}, the spelling torch's allowlist uses: {@code collections.OrderedDict}. */
    public String qualifiedName() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
