package dev.modelsummary.catalog;

import dev.modelsummary.text.Quote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The keyword arguments one build receives, as torchvision's {@code **kwargs}: the values the user gave,
 * typed and checked against what the builder declares, falling back to each declared default. A builder may
 * overwrite a value ({@code _ovewrite_named_param}), which fails when the user gave a different one, and may
 * leave warnings (torchvision's {@code warnings.warn}), which end up in the model's warnings.
 */
public final class Kwargs {
    private final String builder;
    private final Map<String, Arg> declared = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    /** For a builder that takes any key (a Hugging Face config's): the undeclared ones, as given. */
    private final Map<String, String> extra = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private Kwargs(String builder, List<Arg> args) {
        this.builder = builder;
        args.forEach(a -> declared.put(a.name(), a));
    }

    /** No arguments given: every declared default. */
    public static Kwargs defaults(String builder, List<Arg> args) {
        return new Kwargs(builder, args);
    }

    /**
     * Parses {@code KEY=VALUE} strings against the declared arguments.
     *
     * @throws ArgumentException for a key the builder does not take or a value of the wrong type
     */
    public static Kwargs parse(String builder, List<Arg> args, Map<String, String> given) {
        return parse(builder, args, given, false);
    }

    /**
     * As {@link #parse(String, List, Map)}; with {@code anyKey}, a key the builder does not declare is kept as
     * given ({@link #extra()}) for the builder to type, as {@code from_config(config, **kwargs)} takes any key.
     */
    public static Kwargs parse(String builder, List<Arg> args, Map<String, String> given, boolean anyKey) {
        Kwargs kwargs = new Kwargs(builder, args);
        given.forEach((key, text) -> {
            Arg arg = kwargs.declared.get(key);
            if (arg == null && anyKey) {
                kwargs.extra.put(key, text);
                return;
            }
            if (arg == null) {
                throw new ArgumentException(builder + " takes no argument " + Quote.of(key) + "; it takes "
                        + kwargs.declaredNames() + ".");
            }
            kwargs.values.put(key, convert(builder, arg, text));
        });
        return kwargs;
    }

    private static Object convert(String builder, Arg arg, String text) {
        String trimmed = text.strip();
        switch (arg.type()) {
            case INT:
                if (trimmed.equalsIgnoreCase("none") && arg.defaultValue() == null) {
                    return NONE;
                }
                try {
                    return Long.parseLong(trimmed.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw wrongType(builder, arg, text, "an integer");
                }
            case BOOL:
                if (trimmed.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (trimmed.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                throw wrongType(builder, arg, text, "true or false");
            case FLOAT:
                try {
                    double value = Double.parseDouble(trimmed);
                    if (Double.isFinite(value)) {
                        return value;
                    }
                } catch (NumberFormatException e) {
                    // falls through to the message below
                }
                throw wrongType(builder, arg, text, "a number");
            case STRING:
                return text;
            case WEIGHTS:
                if (trimmed.equalsIgnoreCase("none")) {
                    return NONE;
                }
                return arg.weights().find(trimmed)
                        .orElseThrow(() -> new ArgumentException(builder + ": " + arg.name() + "="
                                + Quote.of(text) + ": no such member of " + arg.weights().className()
                                + "; it has " + String.join(", ", arg.weights().names()) + "."));
            default:
                throw new IllegalStateException(arg.type().toString());
        }
    }

    /** The value that stands for Python's {@code None} among given values. */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private static ArgumentException wrongType(String builder, Arg arg, String text, String expected) {
        return new ArgumentException(builder + ": " + arg.name() + "=" + Quote.of(text) + " is not "
                + expected + " (" + arg.name() + " is " + arg.type().label() + ").");
    }

    /** The builder these arguments are for. */
    public String builder() {
        return builder;
    }

    /** Whether the user gave {@code name} (Python: {@code name in kwargs}). */
    public boolean isGiven(String name) {
        arg(name);
        return values.containsKey(name);
    }

    public long integer(String name) {
        Long value = (Long) value(name, ArgType.INT);
        if (value == null) {
            throw new IllegalStateException(builder + "." + name + " is None; read it with optionalInteger");
        }
        return value;
    }

    /** An {@code Optional[int]} argument: null for {@code None}. */
    public Long optionalInteger(String name) {
        return (Long) value(name, ArgType.INT);
    }

    public boolean bool(String name) {
        return (Boolean) value(name, ArgType.BOOL);
    }

    public double real(String name) {
        return (Double) value(name, ArgType.FLOAT);
    }

    /** A {@code str} argument: null for {@code None}. */
    public String string(String name) {
        return (String) value(name, ArgType.STRING);
    }

    /** Whether any argument was given, declared or not. */
    public boolean anyGiven() {
        return !values.isEmpty() || !extra.isEmpty();
    }

    /** The undeclared keys given to a builder that takes any key, in the order given. */
    public Map<String, String> extra() {
        return java.util.Collections.unmodifiableMap(extra);
    }

    /** The weights member given or defaulted, or empty for {@code None}. */
    public Optional<Weights.Member> weights(String name) {
        Arg arg = arg(name);
        Object value = value(name, ArgType.WEIGHTS);
        if (value instanceof Weights.Member member) {
            return Optional.of(member);
        }
        if (value instanceof String defaultName) {
            return arg.weights().find(defaultName);
        }
        return Optional.empty();
    }

    /**
     * torchvision's {@code _ovewrite_named_param(kwargs, name, value)} and {@code _ovewrite_value_param}:
     * sets the value a builder imposes, failing when the user gave another.
     */
    public void overwrite(String name, Object value) {
        Arg arg = arg(name);
        Object normalized = value instanceof Integer i ? Long.valueOf(i) : value;
        if (values.containsKey(name) && !values.get(name).equals(normalized)) {
            throw new ArgumentException(builder + ": The parameter '" + name + "' expected value "
                    + pythonText(normalized) + " but got " + pythonText(values.get(name)) + " instead.");
        }
        if (arg.type() == ArgType.WEIGHTS && !(normalized instanceof Weights.Member) && normalized != null) {
            throw new IllegalArgumentException(name + " takes a weights member");
        }
        values.put(name, normalized == null ? NONE : normalized);
    }

    /**
     * torchvision's {@code _ovewrite_value_param(name, actual, expected)} for an {@code Optional[int]} argument:
     * the expected value, unless the user gave another ({@code None} is no conflict).
     */
    public long overwriteValue(String name, long expected) {
        Long actual = optionalInteger(name);
        if (actual != null && actual != expected) {
            throw refuse("The parameter '" + name + "' expected value " + expected + " but got " + actual
                    + " instead.");
        }
        return expected;
    }

    /** Records a warning the real builder would give ({@code warnings.warn}). */
    public void warn(String message) {
        warnings.add(message);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** A refusal in the real builder's words: {@code ValueError(...)} becomes a usage error. */
    public ArgumentException refuse(String message) {
        return new ArgumentException(builder + ": " + message);
    }

    private Object value(String name, ArgType type) {
        Arg arg = arg(name);
        if (arg.type() != type) {
            throw new IllegalStateException(builder + "." + name + " is " + arg.type() + ", not " + type);
        }
        Object value = values.containsKey(name) ? values.get(name) : arg.defaultValue();
        return value == NONE ? null : value;
    }

    private Arg arg(String name) {
        Arg arg = declared.get(name);
        if (arg == null) {
            throw new IllegalStateException(builder + " reads an argument it does not declare: " + name);
        }
        return arg;
    }

    private String declaredNames() {
        return declared.isEmpty() ? "none" : declared.keySet().stream().collect(Collectors.joining(", "));
    }

    /** A value as Python prints it in torchvision's messages. */
    static String pythonText(Object value) {
        if (value == null || value == NONE) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double d) {
            String plain = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        if (value instanceof Weights.Member m) {
            return m.name();
        }
        return value.toString();
    }
}
