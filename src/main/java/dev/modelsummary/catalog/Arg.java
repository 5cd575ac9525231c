package dev.modelsummary.catalog;

import java.util.Objects;

/**
 * One keyword argument a builder declares, with torchvision's name, type and default.
 *
 * @param name         torchvision's name ({@code num_classes})
 * @param type         its type
 * @param defaultValue the value when not given: a {@code Long}, {@code Boolean}, {@code Double}, or for
 *                     weights a member name or null ({@code None})
 * @param weights      for {@link ArgType#WEIGHTS}, the enum it takes; otherwise null
 * @param help         one short sentence for {@code --list --verbose}
 */
public record Arg(String name, ArgType type, Object defaultValue, Weights weights, String help) {

    public Arg {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if ((type == ArgType.WEIGHTS) != (weights != null)) {
            throw new IllegalArgumentException(name + ": a weights enum goes with type WEIGHTS only");
        }
    }

    public static Arg integer(String name, long defaultValue, String help) {
        return new Arg(name, ArgType.INT, defaultValue, null, help);
    }

    /** An {@code Optional[int]} argument whose default is {@code None}. */
    public static Arg optionalInteger(String name, String help) {
        return new Arg(name, ArgType.INT, null, null, help);
    }

    public static Arg bool(String name, boolean defaultValue, String help) {
        return new Arg(name, ArgType.BOOL, defaultValue, null, help);
    }

    public static Arg real(String name, double defaultValue, String help) {
        return new Arg(name, ArgType.FLOAT, defaultValue, null, help);
    }

    /** A {@code str} argument; a null default is {@code None}. */
    public static Arg string(String name, String defaultValue, String help) {
        return new Arg(name, ArgType.STRING, defaultValue, null, help);
    }

    /** A weights argument whose default is {@code None}. */
    public static Arg weights(String name, Weights weights, String help) {
        return new Arg(name, ArgType.WEIGHTS, null, weights, help);
    }

    /** The default as Python prints it: {@code 1000}, {@code True}, {@code 0.2}, {@code None}. */
    public String defaultText() {
        return Kwargs.pythonText(defaultValue);
    }
}
