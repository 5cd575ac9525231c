package dev.modelsummary.format.pickle;

/**
 * The Java stand-in for an allowlisted Python callable: what REDUCE or NEWOBJ on that global yields. It must
 * only build values from its arguments; it never reads files or runs anything named by the pickle.
 */
@FunctionalInterface
public interface StandIn {
    /**
     * @param callee the global being called (for messages)
     * @param args   the positional arguments
     * @param budget charged for any container the stand-in copies
     * @throws dev.modelsummary.format.FormatException when the arguments are not what the callable accepts
     */
    Object call(PyGlobal callee, PyTuple args, Budget budget);
}
