package dev.modelsummary.model;

/** Whether a tensor is a learnable parameter or a buffer (running statistics, index tables, counters). */
public enum Role {
    PARAMETER,
    BUFFER;

    /** The lower-case name used in JSON output. */
    public String jsonName() {
        return this == PARAMETER ? "parameter" : "buffer";
    }
}
