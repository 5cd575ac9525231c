package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.numpy.NpyDType;
import dev.modelsummary.format.pickle.OmittedString;
import dev.modelsummary.format.pickle.PyBytes;
import dev.modelsummary.format.pickle.PyDict;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyList;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Set;

/**
 * A pickled NumPy array, read as a tensor without its data. {@code pickle.dump} writes an ndarray as
 * <pre>
 *   numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')       an inert object here
 *   BUILD (1, shape, dtype, is_fortran, data)                           its state
 *   dtype: numpy.dtype('f4', False, True) + BUILD (3, '<', None, None, None, -1, -1, 0)
 * </pre>
 * or, under protocol 5, {@code numpy.core.numeric._frombuffer(<bytes>, dtype, shape, order)}.
 * The data (bytes, skipped unread when long) must hold exactly shape x item size bytes. An object array's data
 * is a list of objects: it is not weights, and not a tensor.
 */
final class NumpyArrays {
    private static final Set<String> RECONSTRUCT = Set.of(
            "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct");
    /** Protocol 5's in-band form: {@code _frombuffer(buffer, dtype, shape, order)}. */
    private static final Set<String> FROMBUFFER = Set.of(
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer");
    private static final String NDARRAY = "numpy.ndarray";
    /** Stands for None in the walk's queue. */
    private static final Object NONE = new Object();
    private static final String DTYPE = "numpy.dtype";
    /** NumPy dtype kinds that are not numbers: unicode, bytes, void (records), datetime, timedelta, object. */
    private static final String TEXT_KINDS = "USVMmO";

    private NumpyArrays() {
    }

    /**
     * The object with every pickled ndarray in a dict or list replaced by its tensor (the containers are changed
     * in place), so that the checkpoint rules and the tensor walk see arrays as tensors. Containers are visited
     * once each, without recursion; arrays inside tuples stay inert (tuples are immutable, and no writer puts
     * weights there).
     */
    static Object withTensors(Object root) {
        TorchTensor top = asTensor(root);
        if (top != null) {
            return top;
        }
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Object> pending = new ArrayDeque<>() {
            @Override
            public void push(Object item) {
                super.push(item == null ? NONE : item); // ArrayDeque holds no null; Python's None is one
            }
        };
        pending.push(root);
        while (!pending.isEmpty()) {
            Object value = pending.pop();
            if (value == NONE || seen.put(value, Boolean.TRUE) != null) {
                continue;
            }
            if (value instanceof PyDict dict) {
                replaceValues(dict, pending);
            } else if (value instanceof PyList list) {
                replaceItems(list, pending);
            } else if (value instanceof PyTuple tuple) {
                tuple.items().forEach(pending::push);
            } else if (value instanceof PyObject object) {
                pending.push(object.state());
                pending.push(object.items());
                pending.push(object.listItems());
            }
        }
        return root;
    }

    private static void replaceValues(PyDict dict, Deque<Object> pending) {
        List<Object> keys = new ArrayList<>();
        List<TorchTensor> tensors = new ArrayList<>();
        dict.forEach((key, item) -> {
            TorchTensor tensor = asTensor(item);
            if (tensor != null) {
                keys.add(key);
                tensors.add(tensor);
            } else {
                pending.push(item);
            }
        });
        for (int i = 0; i < keys.size(); i++) {
            dict.put(keys.get(i), tensors.get(i));
        }
    }

    private static void replaceItems(PyList list, Deque<Object> pending) {
        for (ListIterator<Object> it = list.listIterator(); it.hasNext(); ) {
            Object item = it.next();
            TorchTensor tensor = asTensor(item);
            if (tensor != null) {
                it.set(tensor);
            } else {
                pending.push(item);
            }
        }
    }

    /** The tensor a pickled ndarray describes, or null when {@code value} is not one. */
    static TorchTensor asTensor(Object value) {
        if (!(value instanceof PyObject array) || !(array.type() instanceof PyGlobal callee)) {
            return null;
        }
        if (FROMBUFFER.contains(callee.qualifiedName())) {
            return fromBuffer(array.args());
        }
        if (!RECONSTRUCT.contains(callee.qualifiedName()) || array.args().size() == 0
                || !(array.args().get(0) instanceof PyGlobal cls) || !cls.qualifiedName().equals(NDARRAY)) {
            return null;
        }
        if (!(array.state() instanceof PyTuple state) || state.size() != 5 || !(state.get(1) instanceof PyTuple dims)
                || !(state.get(2) instanceof PyObject dtype)) {
            throw new FormatException("Pickled NumPy array has no (version, shape, dtype, is_fortran, data) state.");
        }
        Object data = state.get(4);
        if (!(data instanceof PyBytes) && !(data instanceof String) && !(data instanceof OmittedString)) {
            return null; // an object array: its data is a list of Python objects
        }
        String code = typeCode(dtype);
        if (!code.isEmpty() && TEXT_KINDS.indexOf(code.charAt(0)) >= 0) {
            return null; // strings, records, dates: not weights either, and the pickle's scan is still shown
        }
        return tensor(code, dims, data);
    }

    /** Protocol 5: {@code _frombuffer(buffer, dtype, shape, order)}, the buffer in-band. */
    private static TorchTensor fromBuffer(PyTuple args) {
        if (args.size() != 4 || !(args.get(0) instanceof PyBytes data) || !(args.get(1) instanceof PyObject dtype)
                || !(args.get(2) instanceof PyTuple dims)) {
            throw new FormatException("Pickled NumPy array has no (buffer, dtype, shape, order) arguments.");
        }
        String code = typeCode(dtype);
        return !code.isEmpty() && TEXT_KINDS.indexOf(code.charAt(0)) >= 0 ? null : tensor(code, dims, data);
    }

    /**
     * A tensor of the type code and shape. Bytes data is checked; a Python 2 str (Detectron's pickles, kept or
     * skipped) is not: decoding it as text loses its byte count.
     */
    private static TorchTensor tensor(String code, PyTuple dims, Object data) {
        DType type = NpyDType.dtypeOf(code);
        if (type == null) {
            throw new FormatException("Pickled NumPy array has dtype " + Quote.of(code)
                    + ", which is not a supported dtype (b1, i1-i8, u1-u8, f2, f4, f8, c8, c16).");
        }
        long[] size = shape(dims);
        Shape shape = Shape.of(size);
        long needed = TorchReader.exact(() -> type.bytesFor(shape.numel()),
                "Pickled NumPy array of shape " + shape.toPythonTuple() + " holds more than 2^63 - 1 bytes.");
        if (data instanceof PyBytes bytes) {
            checkLength(bytes, needed, shape, code);
        }
        return new TorchTensor(null, type, 0, size, contiguous(size), false, false);
    }

    /**
     * Kept bytes are exact. Long ones were skipped: under protocol 2 they are a latin-1 text's UTF-8 length
     * ({@code _codecs.encode}), between the byte count and twice it, so only that range is checked.
     */
    private static void checkLength(PyBytes bytes, long needed, Shape shape, String code) {
        long length = bytes.length();
        boolean fits = bytes.kept() ? length == needed : length >= needed && length / 2 <= needed;
        if (!fits) {
            throw new FormatException("Pickled NumPy array of shape " + shape.toPythonTuple() + " and dtype "
                    + Quote.of(code) + " holds " + length + " bytes of data; it needs " + needed + ".");
        }
    }

    /** {@code numpy.dtype('f4', False, True)}: its first argument is the type code. */
    private static String typeCode(PyObject dtype) {
        if (!(dtype.type() instanceof PyGlobal g) || !g.qualifiedName().equals(DTYPE) || dtype.args().size() == 0
                || !(dtype.args().get(0) instanceof String code)) {
            throw new FormatException("Pickled NumPy array's dtype is not a numpy.dtype of a type code.");
        }
        return code;
    }

    private static long[] shape(PyTuple dims) {
        if (dims.size() > Limits.current().getInt(Limit.RANK)) {
            throw new FormatException("Pickled NumPy array has " + dims.size() + " dimensions, over the limit of "
                    + Limits.current().getInt(Limit.RANK) + " (" + Limit.RANK.raise() + ").");
        }
        long[] size = new long[dims.size()];
        for (int i = 0; i < size.length; i++) {
            if (!(dims.get(i) instanceof Long dim)) {
                throw new FormatException("Pickled NumPy array's shape holds a " + Quote.of(PyTypes.of(dims.get(i)))
                        + ", not a size.");
            }
            if (dim < 0) {
                throw new FormatException("Pickled NumPy array's shape holds the negative size '" + dim + "'.");
            }
            size[i] = dim;
        }
        return size;
    }

    private static long[] contiguous(long[] size) {
        long[] stride = new long[size.length];
        long step = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = step;
            try {
                step = size[i] == 0 ? step : Math.multiplyExact(step, size[i]);
            } catch (ArithmeticException e) {
                step = Long.MAX_VALUE; // only past a zero dimension: the array is empty, its strides unused
            }
        }
        return stride;
    }
}
