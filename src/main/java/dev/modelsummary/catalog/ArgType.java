package dev.modelsummary.catalog;

/** The Python types a builder keyword argument can take on the command line. */
public enum ArgType {
    /** {@code int}: a decimal integer. */
    INT("int"),
    /** {@code bool}: {@code true}/{@code false} (Python's {@code True}/{@code False} too). */
    BOOL("bool"),
    /** {@code float}: a decimal number. */
    FLOAT("float"),
    /** A {@code WeightsEnum} member by name ({@code IMAGENET1K_V1}, {@code DEFAULT}) or {@code None}. */
    WEIGHTS("weights"),
    /** {@code str}: the text as given. */
    STRING("str");

    private final String label;

    ArgType(String label) {
        this.label = label;
    }

    /** The type as {@code --list --verbose} and error messages spell it. */
    public String label() {
        return label;
    }
}
