package dev.modelsummary.format.pickle;

import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.PickleScan.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the safety scan of one file's pickles (or of several files', such as shards): imports judged and
 * deduplicated in order of first appearance, pickles counted, trailers after STOP listed.
 *
 * <p>Names are kept in a map only after the unpickler bounded them (at most 4096 bytes a part, and a capped
 * number per pickle), so hashing them costs what reading them did.
 */
public final class PickleScanBuilder {
    private final PickleSafety safety;
    private final Map<String, Verdict> imports = new LinkedHashMap<>();
    private final List<PickleScan.Trailer> trailers = new ArrayList<>();
    private int pickles;
    private long importsLeftOut;

    public PickleScanBuilder(PickleSafety safety) {
        this.safety = safety;
    }

    /** One pickle that was read to its STOP. */
    public PickleScanBuilder add(Unpickler unpickler) {
        pickles++;
        return addImports(unpickler);
    }

    /**
     * The globals a pickle named before it was refused (a trailer after another pickle's STOP that is not a whole
     * pickle): judged, though the pickle is not counted.
     */
    public PickleScanBuilder addImports(Unpickler unpickler) {
        return addImports(unpickler, global -> true);
    }

    /** {@link #addImports(Unpickler)} of the globals {@code keep} accepts. */
    public PickleScanBuilder addImports(Unpickler unpickler, java.util.function.Predicate<PyGlobal> keep) {
        for (PyGlobal global : unpickler.imports()) {
            if (keep.test(global)) {
                imports.putIfAbsent(global.qualifiedName(), safety.classify(global));
            }
        }
        importsLeftOut += unpickler.importsLeftOut();
        return this;
    }

    /** One pickle that was read to its STOP, with {@code bytesAfterStop} more bytes in its known extent. */
    public PickleScanBuilder add(Unpickler unpickler, String where, long extent) {
        add(unpickler);
        long after = extent - unpickler.stopAt() - 1;
        if (after > 0) {
            trailers.add(new PickleScan.Trailer(where, after));
        }
        return this;
    }

    /**
     * Another file's scan (a shard's): its pickles counted, its imports added where new, its trailers named
     * {@code <prefix>/<pickle>}.
     */
    public PickleScanBuilder merge(PickleScan scan, String prefix) {
        pickles += scan.pickles();
        scan.imports().forEach(i -> imports.merge(i.name(), i.verdict(), PickleScanBuilder::worse));
        scan.afterStop().forEach(t -> trailers.add(new PickleScan.Trailer(prefix + "/" + t.pickle(), t.bytes())));
        return this;
    }

    /** Distinct globals left out of the scan (past an unpickler's cap). */
    public PickleScanBuilder leftOut(long more) {
        importsLeftOut += more;
        return this;
    }

    public long importsLeftOut() {
        return importsLeftOut;
    }

    /** Whether the scan so far judged {@code qualifiedName} allowed. */
    public boolean isAllowed(String qualifiedName) {
        return imports.get(qualifiedName) == Verdict.ALLOWED;
    }

    /** Distinct globals judged so far. */
    public int size() {
        return imports.size();
    }

    public boolean isEmpty() {
        return pickles == 0;
    }

    public PickleScan build() {
        List<PickleScan.Import> list = new ArrayList<>(imports.size());
        imports.forEach((name, verdict) -> list.add(new PickleScan.Import(name, verdict)));
        return new PickleScan(pickles, list, trailers);
    }

    /** A model warning for the globals left out, or null when none were. */
    public String leftOutWarning() {
        if (importsLeftOut == 0) {
            return null;
        }
        return importsLeftOut + " more distinct pickle globals are not listed in the pickle scan (past its cap of "
                + Unpickler.MAX_IMPORTS + " a pickle; past it only names that may be dangerous are kept).";
    }

    private static Verdict worse(Verdict a, Verdict b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
