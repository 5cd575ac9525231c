package dev.modelsummary.format.pickle;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which globals a pickle may name without a warning, and which of them do something when called.
 *
 * <p>Mirrors torch's weights-only unpickler: a GLOBAL is resolved only through this list, to a
 * {@link PyGlobal} symbol. Calling a global with a {@link StandIn} runs that Java stand-in; calling any other
 * global (known or not) yields an inert {@link PyObject}. Nothing is ever imported or reflected, so modules
 * such as {@code os}, {@code sys} or {@code builtins.eval} need no special case: they are placeholders too.
 */
public final class Allowlist {
    private final Map<String, StandIn> standIns;
    private final Predicate<String> names;

    private Allowlist(Map<String, StandIn> standIns, Predicate<String> names) {
        this.standIns = Map.copyOf(standIns);
        this.names = names;
    }

    /** The Python built-ins torch's allowlist accepts (OrderedDict, set, bytes via _codecs.encode, ...). */
    public static Builder python() {
        return PythonGlobals.addTo(new Builder());
    }

    public static Builder empty() {
        return new Builder();
    }

    /** Whether {@code qualifiedName} ({@code module.name}) is allowlisted. */
    public boolean knows(String qualifiedName) {
        return standIns.containsKey(qualifiedName) || names.test(qualifiedName);
    }

    public Optional<StandIn> standIn(String qualifiedName) {
        return Optional.ofNullable(standIns.get(qualifiedName));
    }

    public static final class Builder {
        private final Map<String, StandIn> standIns = new HashMap<>();
        private Predicate<String> names = name -> false;

        private Builder() {
        }

        /** Allow names that are only ever symbols (dtypes, storage classes): calling them yields an inert object. */
        public Builder names(Predicate<String> more) {
            names = names.or(more);
            return this;
        }

        public Builder name(String qualifiedName) {
            return names(qualifiedName::equals);
        }

        /** Allow a callable and give it a stand-in. */
        public Builder call(String qualifiedName, StandIn standIn) {
            standIns.put(qualifiedName, standIn);
            return this;
        }

        public Allowlist build() {
            return new Allowlist(standIns, names);
        }
    }
}
