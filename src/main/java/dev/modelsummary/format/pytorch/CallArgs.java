package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.Budget;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.model.DType;
import dev.modelsummary.text.Quote;
import java.util.List;

/**
 * The arguments of one pickled call to a torch rebuild function, read with the type checks Python would have
 * made, so a malformed file fails with one clear message instead of a ClassCastException. Argument numbers in
 * messages count from 1.
 */
final class CallArgs {
    private final PyGlobal callee;
    private final PyTuple args;
    private final Budget budget;

    /** @param budget charged for what the call builds from its arguments (each tensor's own size and stride) */
    CallArgs(PyGlobal callee, PyTuple args, Budget budget, int required) {
        this.callee = callee;
        this.args = args;
        this.budget = budget;
        if (args.size() < required) {
            throw new FormatException("Pickle calls " + Quote.of(callee) + " with " + args.size()
                    + " arguments; it needs "
                    + required + ".");
        }
    }

    int size() {
        return args.size();
    }

    Object get(int i) {
        return args.get(i);
    }

    TorchStorage storage(int i) {
        if (args.get(i) instanceof TorchStorage storage) {
            return storage;
        }
        throw wrongType(i, "a storage");
    }

    TorchTensor tensor(int i) {
        if (args.get(i) instanceof TorchTensor tensor) {
            return tensor;
        }
        throw wrongType(i, "a tensor");
    }

    /** A non-negative int (a storage offset). */
    long index(int i) {
        if (args.get(i) instanceof Long value && value >= 0) {
            return value;
        }
        throw wrongType(i, "a non-negative int");
    }

    /** Budget units of a {@code long[rank]}: a new one per tensor, however often the pickle shares its tuple. */
    static long arrayCost(int rank) {
        return 1 + rank / 2;
    }

    /** A tuple (or list) of non-negative ints: a size or a stride. */
    long[] dims(int i) {
        Object value = args.get(i);
        List<?> items = value instanceof PyTuple t ? t.items() : value instanceof List<?> l ? l : null;
        if (items == null) {
            throw wrongType(i, "a tuple of at most " + Limits.current().getInt(Limit.RANK) + " ints");
        }
        if (items.size() > Limits.current().getInt(Limit.RANK)) {
            throw new FormatException("Pickle calls " + Quote.of(callee) + " with a size of " + items.size()
                    + " dimensions (argument " + (i + 1) + "), over the limit of " + Limits.current().getInt(Limit.RANK)
                    + " (" + Limit.RANK.raise() + ").");
        }
        budget.spend(arrayCost(items.size()));
        long[] dims = new long[items.size()];
        for (int d = 0; d < dims.length; d++) {
            if (!(items.get(d) instanceof Long dim) || dim < 0) {
                throw wrongType(i, "a tuple of non-negative ints");
            }
            dims[d] = dim;
        }
        return dims;
    }

    /** Python truthiness of a bool or int ({@code requires_grad}). */
    boolean flag(int i) {
        Object value = args.get(i);
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Long l) {
            return l != 0;
        }
        throw wrongType(i, "a bool");
    }

    /** A dtype global such as {@code torch.float8_e4m3fn}. */
    DType dtype(int i) {
        if (args.get(i) instanceof PyGlobal g && g.module().equals("torch")) {
            return DType.byTorchName(g.name()).filter(DType::isTorchDtype).orElseThrow(
                    () -> new FormatException("Pickle names dtype " + Quote.of(g) + ", which is not supported."));
        }
        throw wrongType(i, "a torch dtype");
    }

    /**
     * {@code torch.<name>} when argument {@code i} is a dtype global of torch's that this tool does not know (a
     * dtype newer than it), else null: such a tensor is named and left out with a warning, not refused.
     */
    String unknownDtype(int i) {
        if (args.get(i) instanceof PyGlobal g && g.module().equals("torch")
                && DType.byTorchName(g.name()).filter(DType::isTorchDtype).isEmpty()) {
            return g.qualifiedName();
        }
        return null;
    }

    /** Size and stride must have one entry per dimension. */
    void requireSameRank(long[] size, long[] stride) {
        if (size.length != stride.length) {
            throw new FormatException("Pickle calls " + Quote.of(callee) + " with a size of rank " + size.length
                    + " but a stride of rank " + stride.length + ".");
        }
    }

    private FormatException wrongType(int i, String expected) {
        return new FormatException("Pickle calls " + Quote.of(callee) + " with argument " + (i + 1) + " of type "
                + Quote.of(typeName(args.get(i))) + " where " + expected + " belongs.");
    }

    private static String typeName(Object value) {
        if (value instanceof TorchTensor) {
            return "Tensor";
        }
        return value instanceof TorchStorage ? "Storage" : PyTypes.of(value);
    }
}
