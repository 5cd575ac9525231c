package dev.modelsummary.model;

import dev.modelsummary.compute.Architecture;
import java.util.List;
import java.util.Objects;

/**
 * What a source says a model holds: its tensors in the source's own order, no data.
 *
 * @param name     the name shown in reports (a built-in's name, or a file's stem)
 * @param format   the reader that produced it: {@code builtin}, {@code safetensors}, {@code pytorch}, ...
 * @param source   what the user named: a built-in name or a path
 * @param tensors  every tensor, parameters and buffers, in source order
 * @param warnings things a reader noticed but could read past (unknown pickle globals, ...), one line each
 * @param details  what the file says besides its tensors (metadata, checkpoint anatomy, pickle scan)
 * @param architecture its forward pass on shapes (a built-in or a config.json), or null for a weight file
 */
public record Model(String name, String format, String source, List<TensorEntry> tensors, List<String> warnings,
                    FileDetails details, Architecture architecture) {
    /** {@link #format()} of a built-in architecture. */
    public static final String BUILTIN_FORMAT = "builtin";

    public Model {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        tensors = List.copyOf(tensors);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(details, "details");
    }

    /** A model read from a file: no forward pass. */
    public Model(String name, String format, String source, List<TensorEntry> tensors, List<String> warnings,
                 FileDetails details) {
        this(name, format, source, tensors, warnings, details, null);
    }

    /** A model with nothing to say besides its tensors. */
    public Model(String name, String format, String source, List<TensorEntry> tensors, List<String> warnings) {
        this(name, format, source, tensors, warnings, FileDetails.NONE, null);
    }

    public boolean isBuiltin() {
        return BUILTIN_FORMAT.equals(format);
    }

    public Model withName(String newName) {
        return new Model(newName, format, source, tensors, warnings, details, architecture);
    }

    public Model withTensors(List<TensorEntry> newTensors) {
        return new Model(name, format, source, newTensors, warnings, details, architecture);
    }

    /** This model with a forward pass (the architecture a config.json beside a weight file describes). */
    public Model withArchitecture(Architecture newArchitecture) {
        return new Model(name, format, source, tensors, warnings, details, newArchitecture);
    }

    public Model withDetails(FileDetails newDetails) {
        return new Model(name, format, source, tensors, warnings, newDetails, architecture);
    }
}
