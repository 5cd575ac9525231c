package dev.modelsummary.summary;

import dev.modelsummary.model.Form;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between two models, tensor by tensor, as {@code model-summary diff A B} reports it. Pure: no I/O.
 *
 * <p>Tensors are matched by name over every entry {@code state_dict} lists, buffers and tied entries included.
 * A name in both is <em>changed</em> when its shape, dtype, role, {@code requires_grad} or tie differs, and
 * <em>same</em> otherwise. Order: A's source order, then B's extra tensors in B's order. A name listed twice in
 * one model (a hostile file) is matched by its first entry. The models' totals and form splits are their
 * {@link Summary summaries}.
 *
 * @param a        the summary of the first model
 * @param b        the summary of the second model
 * @param onlyInA  tensors whose name B does not list, in A's order
 * @param onlyInB  tensors whose name A does not list, in B's order
 * @param changed  tensors in both that differ, in A's order
 * @param same     how many of A's tensors B lists unchanged
 * @param values   the comparison of the tensors' stored values ({@code diff --values}), or null when values
 *                 were not compared: without it, two files that differ byte for byte are the "same structure"
 */
public record ModelDiff(Summary a, Summary b, List<TensorEntry> onlyInA, List<TensorEntry> onlyInB,
                        List<Change> changed, int same, Values values) {

    /**
     * The values compared: every name both models list with the same shape and dtype ({@link #comparable}).
     *
     * @param compared how many such pairs were hashed and compared
     * @param differ   A's tensors whose stored bytes differ from B's, in A's order
     */
    public record Values(int compared, List<TensorEntry> differ) {
        public Values {
            differ = List.copyOf(differ);
        }
    }

    /** What can differ between two tensors of the same name; {@link #label} is how reports name it. */
    public enum Aspect {
        SHAPE("shape"),
        DTYPE("dtype"),
        ROLE("role"),
        TRAINABLE("trainable"),
        TIED("tied");

        private final String label;

        Aspect(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One name in both models whose tensors differ, and in what. */
    public record Change(TensorEntry a, TensorEntry b, List<Aspect> aspects) {
        public Change {
            aspects = List.copyOf(aspects);
        }

        public String name() {
            return a.name();
        }
    }

    /** Tensors and elements of one form in A and in B (zero where a model has none of that form). */
    public record FormRow(Form form, int tensorsA, int tensorsB, long countA, long countB) {
    }

    /**
     * @throws TotalsOverflowException when a model's totals pass 2^63 - 1 (see {@link Summary#of})
     */
    public static ModelDiff of(Model a, Model b) {
        Summary summaryA = Summary.of(a);
        Summary summaryB = Summary.of(b);
        Map<String, TensorEntry> byNameB = firstByName(b.tensors());
        Set<String> namesA = new HashSet<>();
        List<TensorEntry> onlyInA = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        int same = 0;
        for (TensorEntry tensorA : a.tensors()) {
            if (!namesA.add(tensorA.name())) {
                continue; // a repeated name: its first entry was matched
            }
            TensorEntry tensorB = byNameB.get(tensorA.name());
            if (tensorB == null) {
                onlyInA.add(tensorA);
                continue;
            }
            List<Aspect> aspects = differences(tensorA, tensorB);
            if (aspects.isEmpty()) {
                same++;
            } else {
                changed.add(new Change(tensorA, tensorB, aspects));
            }
        }
        List<TensorEntry> onlyInB = new ArrayList<>();
        Set<String> namesB = new HashSet<>();
        for (TensorEntry tensorB : b.tensors()) {
            if (namesB.add(tensorB.name()) && !namesA.contains(tensorB.name())) {
                onlyInB.add(tensorB);
            }
        }
        return new ModelDiff(summaryA, summaryB, List.copyOf(onlyInA), List.copyOf(onlyInB), List.copyOf(changed),
                same, null);
    }

    /** This diff with its values compared. */
    public ModelDiff withValues(Values newValues) {
        return new ModelDiff(a, b, onlyInA, onlyInB, changed, same, newValues);
    }

    /** Whether both models list the same tensors: the same names, shapes, dtypes, roles and ties. */
    public boolean sameStructure() {
        return onlyInA.isEmpty() && onlyInB.isEmpty() && changed.isEmpty();
    }

    /**
     * Whether nothing compared differs: the same structure and, when values were compared, the same values.
     * Without {@code --values} this says nothing of the values (two files that differ byte for byte have no
     * difference here). Exit code 0 when true, 5 when false.
     */
    public boolean noDifference() {
        return sameStructure() && (values == null || values.differ().isEmpty());
    }

    /**
     * The pairs whose values can be compared, as A's and B's tensor for one name: every name both list (first
     * entries) with the same shape and dtype, in A's order.
     */
    public static List<TensorEntry[]> comparable(Model a, Model b) {
        Map<String, TensorEntry> byNameB = firstByName(b.tensors());
        Set<String> seen = new HashSet<>();
        List<TensorEntry[]> pairs = new ArrayList<>();
        for (TensorEntry tensorA : a.tensors()) {
            TensorEntry tensorB = byNameB.get(tensorA.name());
            if (seen.add(tensorA.name()) && tensorB != null && tensorA.shape().equals(tensorB.shape())
                    && tensorA.dtype() == tensorB.dtype()) {
                pairs.add(new TensorEntry[] {tensorA, tensorB});
            }
        }
        return pairs;
    }

    /**
     * The forms either model has, in the report's order (Vector and Matrix always), with each model's tensors
     * and elements of that form.
     */
    public List<FormRow> forms() {
        Set<Form> forms = new TreeSet<>(Form.REPORT_ORDER);
        a.forms().forEach(f -> forms.add(f.form()));
        b.forms().forEach(f -> forms.add(f.form()));
        List<FormRow> rows = new ArrayList<>();
        for (Form form : forms) {
            FormStat inA = find(a, form);
            FormStat inB = find(b, form);
            rows.add(new FormRow(form, inA.tensors(), inB.tensors(), inA.count(), inB.count()));
        }
        return rows;
    }

    private static FormStat find(Summary summary, Form form) {
        return summary.forms().stream().filter(f -> f.form().equals(form)).findFirst()
                .orElse(new FormStat(form, 0, 0));
    }

    private static Map<String, TensorEntry> firstByName(List<TensorEntry> tensors) {
        Map<String, TensorEntry> byName = new HashMap<>();
        tensors.forEach(t -> byName.putIfAbsent(t.name(), t));
        return byName;
    }

    private static List<Aspect> differences(TensorEntry a, TensorEntry b) {
        List<Aspect> aspects = new ArrayList<>();
        if (!a.shape().equals(b.shape())) {
            aspects.add(Aspect.SHAPE);
        }
        if (a.dtype() != b.dtype()) {
            aspects.add(Aspect.DTYPE);
        }
        if (a.role() != b.role()) {
            aspects.add(Aspect.ROLE);
        }
        if (a.trainable() != b.trainable()) {
            aspects.add(Aspect.TRAINABLE);
        }
        if (!Objects.equals(a.aliasOf(), b.aliasOf())) {
            aspects.add(Aspect.TIED);
        }
        return aspects;
    }
}
