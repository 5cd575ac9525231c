package dev.modelsummary.model;

import java.util.List;
import java.util.Objects;

/**
 * What the pickles of a file import, judged without running anything, and what they hide after their STOP.
 *
 * @param pickles   how many pickles were scanned (a TorchScript archive has several, shards one each)
 * @param imports   every distinct global named, in order of first appearance
 * @param afterStop pickles with bytes after their STOP opcode, which {@code pickle.load} never reads but an
 *                  attacker can hide a second pickle in
 */
public record PickleScan(int pickles, List<Import> imports, List<Trailer> afterStop) {

    public PickleScan {
        imports = List.copyOf(imports);
        afterStop = List.copyOf(afterStop);
    }

    /** How dangerous a global is to load. */
    public enum Verdict {
        /** Accepted by {@code torch.load(weights_only=True)} (or plainly inert data: numpy arrays, containers). */
        ALLOWED,
        /** A class or function the scanner cannot vouch for, such as one from user code. */
        UNKNOWN,
        /** Can run code or touch the system when unpickled. */
        DANGEROUS;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One global.
     *
     * @param name    {@code module.qualname}, bounded by the reader
     * @param verdict its classification
     */
    public record Import(String name, Verdict verdict) {
        public Import {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /**
     * Bytes after a pickle's STOP.
     *
     * @param pickle where the pickle is ({@code archive/data.pkl}, or the file)
     * @param bytes  how many bytes follow its STOP
     */
    public record Trailer(String pickle, long bytes) {
    }

    /** The imports with the given verdict, in order. */
    public List<String> named(Verdict verdict) {
        return imports.stream().filter(i -> i.verdict() == verdict).map(Import::name).toList();
    }

    /** Whether every import is allowed and nothing follows a STOP: a pickle of plain tensors and containers. */
    public boolean isClean() {
        return afterStop.isEmpty() && imports.stream().allMatch(i -> i.verdict() == Verdict.ALLOWED);
    }

    public boolean dangerous() {
        return imports.stream().anyMatch(i -> i.verdict() == Verdict.DANGEROUS);
    }
}
