package dev.modelsummary.format.numpy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Shape;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header of one {@code .npy} array (numpy {@code lib/format.py}, {@code _read_array_header}):
 * <pre>
 * bytes 0-5 : \x93NUMPY
 * byte 6    : major version (1, 2 or 3)
 * byte 7    : minor version (0)
 * v1.0      : u16 LE HEADER_LEN, header encoded latin1
 * v2.0      : u32 LE HEADER_LEN, header latin1
 * v3.0      : u32 LE HEADER_LEN, header UTF-8
 * header    : a Python dict literal {'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }, padded
 * data      : numel * itemsize bytes, from 6 + 2 + (2|4) + HEADER_LEN
 * </pre>
 *
 * @param type         the element type; null for a structured dtype
 * @param fields       a structured dtype's fields, flattened (nested ones named {@code outer.inner}), without
 *                     padding; empty for a plain dtype
 * @param itemBytes    bytes per element: the type's, or a structured dtype's whole item, padding included
 * @param fortranOrder whether the data is in column-major order (the shape is the logical shape either way)
 * @param shape        the array's shape
 * @param headerBytes  magic, version, length field and header: where the data starts
 * @param dataBytes    numel * itemsize
 */
record NpyHeader(NpyDType type, List<Field> fields, long itemBytes, boolean fortranOrder, Shape shape,
                 long headerBytes, long dataBytes) {
    /**
     * One field of a structured dtype, as numpy's {@code dtype.descr} lists it: {@code (name, descr)} or
     * {@code (name, descr, shape)}, the shape a sub-array of that many elements in each item.
     */
    record Field(String name, NpyDType type, long[] subShape) {
    }

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy's {@code _MAX_HEADER_SIZE}: np.load refuses longer headers unless told to trust the file. */
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    /** np.load's own default {@code max_header_size}: numpy refuses a longer header too, unless told to trust it. */
    private static final int NUMPY_MAX_HEADER_SIZE = 10_000;

    /** Where the header's bytes come from: the next {@code n} bytes, or a FormatException when they end first. */
    @FunctionalInterface
    interface Source {
        byte[] next(int n) throws IOException;
    }

    static boolean startsWithMagic(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Reads and checks the header.
     *
     * @param available how many bytes the array's stream holds (the file's or ZIP member's size): header and
     *                  data must fit in them
     */
    static NpyHeader read(Source source, long available) throws IOException {
        byte[] prefix = source.next(8);
        if (!startsWithMagic(prefix)) {
            throw new FormatException("Not a .npy array: it does not start with \\x93NUMPY.");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new FormatException("Unsupported .npy format version '" + major + "." + minor
                    + "'; numpy writes 1.0, 2.0 and 3.0.");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer field = ByteBuffer.wrap(source.next(lengthBytes)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? field.getShort() & 0xffffL : field.getInt() & 0xffff_ffffL;
        boolean utf8 = major == 3;
        if (headerLength > (long) Limits.current().getInt(Limit.NPY_HEADER_CHARS) * (utf8 ? 4 : 1)) {
            throw new FormatException("Header is " + headerLength + " bytes, over the limit of "
                    + Limits.current().getInt(Limit.NPY_HEADER_CHARS) + " characters" + headerLimitAdvice());
        }
        long headerBytes = 8 + lengthBytes + headerLength;
        if (headerBytes > available) {
            throw new FormatException("Header of " + headerLength + " bytes runs past the end of the "
                    + available + "-byte array.");
        }
        String text = decode(source.next((int) headerLength), utf8);
        if (text.length() > Limits.current().getInt(Limit.NPY_HEADER_CHARS)) {
            throw new FormatException("Header is " + text.length() + " characters, over the limit of "
                    + Limits.current().getInt(Limit.NPY_HEADER_CHARS) + headerLimitAdvice());
        }
        Object literal = PyLiteral.parse(text, major < 3);
        if (!(literal instanceof Map<?, ?> dict)) {
            throw new FormatException("Header is not a dict literal.");
        }
        if (!dict.keySet().equals(KEYS)) {
            throw new FormatException("Header has the keys " + Quote.of(new TreeSet<>(dict.keySet()))
                    + "; numpy requires exactly 'descr', 'fortran_order' and 'shape'.");
        }
        Object descr = dict.get("descr");
        List<Field> fields = new ArrayList<>();
        NpyDType type = null;
        long itemBytes;
        if (descr instanceof List<?> list) {
            itemBytes = structured(list, "", new long[0], fields, new HashSet<>());
            if (fields.isEmpty()) {
                throw new FormatException("Header's descr is a structured dtype without fields.");
            }
        } else {
            type = descr(descr);
            itemBytes = type.bytes();
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw new FormatException("Header's fortran_order is not True or False.");
        }
        Shape shape = shape(dict.get("shape"));
        if (type == NpyDType.OBJECT) {
            // the rest is a pickle of the array, whatever its length
            return new NpyHeader(type, fields, itemBytes, fortranOrder, shape, headerBytes, available - headerBytes);
        }
        long dataBytes;
        try {
            dataBytes = Math.multiplyExact(shape.numel(), itemBytes);
        } catch (ArithmeticException e) {
            throw new FormatException("Array of shape " + shape.toPythonTuple() + " holds more than 2^63 - 1 bytes.");
        }
        if (dataBytes > available - headerBytes) {
            throw new FormatException("Array data of " + dataBytes + " bytes (shape " + shape.toPythonTuple()
                    + ", " + itemBytes + " bytes each) runs past the end: " + (available - headerBytes)
                    + " bytes follow the header.");
        }
        return new NpyHeader(type, List.copyOf(fields), itemBytes, fortranOrder, shape, headerBytes, dataBytes);
    }

    private static String headerLimitAdvice() {
        return Limits.current().getInt(Limit.NPY_HEADER_CHARS) == NUMPY_MAX_HEADER_SIZE
                ? " (numpy's own default max_header_size; " + Limit.NPY_HEADER_CHARS.raise() + ")."
                : " (" + Limit.NPY_HEADER_CHARS.raise() + ").";
    }

    /** Whether the array holds Python objects: its data is a pickle. */
    boolean objects() {
        return type == NpyDType.OBJECT;
    }

    private static String decode(byte[] bytes, boolean utf8) {
        if (!utf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new FormatException("Version 3.0 header is not valid UTF-8.");
        }
    }

    /**
     * A descr string is numpy's {@code dtype.str}: a byte-order character ({@code <} little, {@code >} big,
     * {@code |} not applicable, {@code =} native) and a type code with its item size ({@code f4}).
     */
    /**
     * A structured dtype's fields (numpy's {@code dtype.descr}: a list of {@code (name, descr[, shape])}), added to
     * {@code out} flattened, names prefixed by {@code prefix}; returns the bytes of one item. Padding, which numpy
     * lists as {@code ('', '|V<n>')}, counts in the item and is no field; any other unnamed field is named
     * {@code f<index>}, as numpy names it.
     */
    private static long structured(List<?> list, String prefix, long[] outerShape, List<Field> out,
                                   Set<String> names) {
        long item = 0;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof PyLiteral.Tuple tuple) || tuple.items().size() < 2
                    || tuple.items().size() > 3) {
                throw new FormatException("Header's structured descr holds " + Quote.of(list.get(i))
                        + ", not a (name, descr) or (name, descr, shape) tuple.");
            }
            List<Object> items = tuple.items();
            if (!(items.get(0) instanceof String name)) {
                throw new FormatException("Header's structured descr has a field name that is not a string "
                        + "(titled fields are not supported).");
            }
            long[] sub = items.size() == 3 ? subShape(items.get(2)) : new long[0];
            long count;
            try {
                count = Shape.of(sub).numel();
            } catch (ArithmeticException e) {
                throw new FormatException("Header's structured descr has items of more than 2^63 - 1 bytes.", e);
            }
            long[] shape = concat(outerShape, sub);
            long bytes;
            if (items.get(1) instanceof List<?> nested) {
                bytes = structured(nested, prefix + name + ".", shape, out, names);
            } else if (items.get(1) instanceof String code && name.isEmpty() && code.matches("\\|V[0-9]{1,9}")) {
                bytes = Long.parseLong(code.substring(2)); // padding
            } else {
                NpyDType type = descr(items.get(1));
                if (type == NpyDType.OBJECT) {
                    throw new FormatException("Header's structured descr has the object field " + Quote.of(name)
                            + ": numpy pickles such an array, which is not supported.");
                }
                String full = prefix + (name.isEmpty() ? "f" + i : name);
                if (!names.add(full)) {
                    throw new FormatException("Header's structured descr names the field " + Quote.of(full)
                            + " twice, which numpy refuses.");
                }
                if (out.size() == Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("Header's structured descr has more than '"
                            + Limits.current().getInt(Limit.TENSORS) + "' fields (" + Limit.TENSORS.raise() + ").");
                }
                out.add(new Field(full, type, shape));
                bytes = type.bytes();
            }
            try {
                item = Math.addExact(item, Math.multiplyExact(bytes, count));
            } catch (ArithmeticException e) {
                throw new FormatException("Header's structured descr has items of more than 2^63 - 1 bytes.", e);
            }
        }
        return item;
    }

    /** A field's sub-array shape: a tuple of non-negative integers, or one integer (numpy takes {@code n} as (n,)). */
    private static long[] subShape(Object value) {
        if (value instanceof Long n) {
            value = new PyLiteral.Tuple(List.of(n));
        }
        long[] dims = shape(value).dims();
        return dims;
    }

    private static long[] concat(long[] a, long[] b) {
        if (a.length + b.length > Limits.current().getInt(Limit.RANK)) {
            throw new FormatException("A structured field's shape has " + (a.length + b.length)
                    + " dimensions, over the limit of " + Limits.current().getInt(Limit.RANK) + " ("
                    + Limit.RANK.raise() + ").");
        }
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static NpyDType descr(Object value) {
        if (value instanceof List<?>) {
            throw new FormatException("Header's descr nests a structured dtype where a type string belongs.");
        }
        if (value instanceof PyLiteral.Tuple) {
            throw new FormatException("Header's descr is a sub-array dtype (a tuple), which is not supported.");
        }
        if (!(value instanceof String descr)) {
            throw new FormatException("Header's descr is not a string.");
        }
        if (descr.isEmpty() || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new FormatException("Header's descr " + Quote.of(descr) + " does not start with a byte-order "
                    + "character ('<', '>', '|' or '=').");
        }
        String code = descr.substring(1);
        if (code.equals("O")) {
            return NpyDType.OBJECT; // its data is a pickle, scanned by the reader
        }
        if (code.startsWith("O")) {
            throw new FormatException("Header's descr " + Quote.of(descr) + " is not a dtype numpy writes ('|O' is "
                    + "an object array).");
        }
        NpyDType type = NpyDType.byCode(code);
        if (type == null) {
            throw new FormatException("Header's descr " + Quote.of(descr) + " is not a supported dtype (b1, i1-i8, "
                    + "u1-u8, f2, f4, f8, c8, c16).");
        }
        return type;
    }

    private static Shape shape(Object value) {
        if (!(value instanceof PyLiteral.Tuple tuple)) {
            throw new FormatException("Header's shape is not a tuple.");
        }
        List<Object> items = tuple.items();
        if (items.size() > Limits.current().getInt(Limit.RANK)) {
            throw new FormatException("Header's shape has " + items.size() + " dimensions, over the limit of "
                    + Limits.current().getInt(Limit.RANK) + " (" + Limit.RANK.raise() + ").");
        }
        long[] dims = new long[items.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(items.get(i) instanceof Long dim)) {
                throw new FormatException("Header's shape holds " + Quote.of(items.get(i)) + ", not an integer.");
            }
            if (dim < 0) {
                throw new FormatException("Header's shape holds the negative dimension '" + dim + "'.");
            }
            dims[i] = dim;
        }
        return Shape.of(dims);
    }
}
