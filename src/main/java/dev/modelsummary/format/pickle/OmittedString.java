package dev.modelsummary.format.pickle;

/**
 * A Python {@code str} too long to keep (over {@code --limit pickle-kept-text-bytes}): its UTF-8 bytes were
 * skipped. Compares by identity. Tensor names and dict keys are never this long in real files.
 */
public final class OmittedString {
    private final long utf8Length;

    OmittedString(long utf8Length) {
        this.utf8Length = utf8Length;
    }

    public long utf8Length() {
        return utf8Length;
    }

    @Override
    public String toString() {
        return "str of " + utf8Length + " bytes";
    }
}
