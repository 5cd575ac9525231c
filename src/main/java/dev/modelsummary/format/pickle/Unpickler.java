package dev.modelsummary.format.pickle;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.PickleScan.Verdict;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A restricted pickle reader: every opcode of protocols 0 to 5, as CPython's C unpickler reads them (the one
 * torch.load uses), executing nothing. One instance reads one pickle ({@link #load()}).
 *
 * <p>Values are plain Java: None is {@code null}, bool {@link Boolean}, int {@link Long} (or
 * {@link BigInteger} when it does not fit), float {@link Double}, str {@link String}, bytes {@link PyBytes},
 * tuple {@link PyTuple}, list {@link PyList}, dict {@link PyDict} (insertion order kept, any hashable key), set
 * {@link PySet}, frozenset {@link PyFrozenSet}. GLOBAL gives a {@link PyGlobal} symbol; calling
 * it runs its {@link Allowlist} stand-in or yields an inert {@link PyObject}, and each global the allowlist does
 * not know is reported once in {@link #warnings()}. Every global named is recorded for the safety scan
 * ({@link #imports()}, judged by {@link PickleSafety}), and so is where STOP was ({@link #stopAt()}).
 *
 * <p>Bounds: every declared length is checked against the bytes that remain before anything is allocated, and
 * every text line (protocol 0) against a bound for what it holds before it is parsed; pushes, containers, dict
 * entries, memo entries and marks are charged to a budget in units of roughly 16 bytes of memory, and so is
 * everything whose size the pickle controls, each time it is made (a kept string or int of n bytes costs
 * n/16 more, as does fingerprinting a string of n characters as a key or tuple item, or a stand-in's copy);
 * tuples deeper than the depth limit are refused; integers are capped in length. Hashing and comparing the
 * values built never recurse ({@link Hashing}).
 */
public final class Unpickler implements Budget {
    // Opcode bytes, as CPython's pickletools lists them.
    private static final int MARK = '(';
    private static final int STOP = '.';
    private static final int BINFLOAT = 'G';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int NONE = 'N';
    private static final int BINPERSID = 'Q';
    private static final int REDUCE = 'R';
    private static final int SHORT_BINSTRING = 'U';
    private static final int BINUNICODE = 'X';
    private static final int BINBYTES = 'B';
    private static final int SHORT_BINBYTES = 'C';
    private static final int APPEND = 'a';
    private static final int BUILD = 'b';
    private static final int GLOBAL = 'c';
    private static final int APPENDS = 'e';
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int EMPTY_LIST = ']';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int SETITEM = 's';
    private static final int TUPLE = 't';
    private static final int SETITEMS = 'u';
    private static final int EMPTY_DICT = '}';
    private static final int EMPTY_TUPLE = ')';
    private static final int PROTO = 0x80;
    private static final int NEWOBJ = 0x81;
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int LONG1 = 0x8a;
    private static final int LONG4 = 0x8b;
    private static final int SHORT_BINUNICODE = 0x8c;
    private static final int BINUNICODE8 = 0x8d;
    private static final int BINBYTES8 = 0x8e;
    private static final int EMPTY_SET = 0x8f;
    private static final int ADDITEMS = 0x90;
    private static final int FROZENSET = 0x91;
    private static final int STACK_GLOBAL = 0x93;
    private static final int MEMOIZE = 0x94;
    private static final int FRAME = 0x95;
    // Protocols 0 and 1: arguments as text lines.
    private static final int INT = 'I';
    private static final int LONG = 'L';
    private static final int FLOAT = 'F';
    private static final int STRING = 'S';
    private static final int UNICODE = 'V';
    private static final int PERSID = 'P';
    private static final int GET = 'g';
    private static final int PUT = 'p';
    private static final int INST = 'i';
    private static final int BINSTRING = 'T';
    private static final int DICT = 'd';
    private static final int LIST = 'l';
    private static final int OBJ = 'o';
    private static final int POP = '0';
    private static final int POP_MARK = '1';
    private static final int DUP = '2';
    // Protocols 2 to 5.
    private static final int EXT1 = 0x82;
    private static final int EXT2 = 0x83;
    private static final int EXT4 = 0x84;
    private static final int NEWOBJ_EX = 0x92;
    private static final int BYTEARRAY8 = 0x96;
    private static final int NEXT_BUFFER = 0x97;
    private static final int READONLY_BUFFER = 0x98;

    private static final int HIGHEST_PROTOCOL = 5;
    /**
     * Distinct globals kept for the safety scan; the rest are only counted. Real checkpoints name a few dozen;
     * each kept name is at most two 4096-byte parts, so the list stays within a few MB.
     */
    public static final int MAX_IMPORTS = 1000;
    private static final int MAX_GLOBAL_NAME_BYTES = 4096;
    /**
     * Budget units are roughly 16 bytes of this reader's memory: a pushed reference or small value costs 1; what
     * allocates more costs more, so the worst pickle per byte stays within a few hundred MB.
     */
    private static final int TEXT_BYTES_PER_VALUE = 16;
    private static final int LIST_COST = 2;
    private static final int DICT_COST = 5;
    private static final int TUPLE_COST = 3;
    /** A memo entry. */
    private static final int ENTRY_COST = 3;
    /** A dict entry or set member: a map entry and its key's fingerprint. */
    private static final int KEYED_ENTRY_COST = 5;
    private static final int OBJECT_COST = 3;
    /** Python 2 module names that pickle itself maps (its IMPORT_MAPPING), as torch's unpickler does. */
    private static final Map<String, String> PYTHON2_MODULES = Map.of("__builtin__", "builtins", "copy_reg", "copyreg");

    private final PickleInput in;
    private final Allowlist allowlist;
    private final PersistentLoader persistentLoader;
    private final long maxValues;
    private final int maxDepth;

    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, PyGlobal> globals = new HashMap<>();
    private final Set<String> unknownGlobals = new LinkedHashSet<>();
    /** Every distinct global named, in order of first appearance, up to {@link #MAX_IMPORTS}. */
    private final List<PyGlobal> imports = new ArrayList<>();
    private long importsLeftOut;
    private long stopAt = -1;
    private long spent;
    private long opcodeAt;

    /** @param persistentLoader resolves BINPERSID ids, or null when the format has none */
    public Unpickler(PickleInput in, Allowlist allowlist, PersistentLoader persistentLoader) {
        this(in, allowlist, persistentLoader, Limits.current().get(Limit.PICKLE_VALUES),
                Limits.current().getInt(Limit.PICKLE_DEPTH));
    }

    public Unpickler(PickleInput in, Allowlist allowlist, PersistentLoader persistentLoader, long maxValues,
                     int maxDepth) {
        this.in = in;
        this.allowlist = allowlist;
        this.persistentLoader = persistentLoader;
        this.maxValues = maxValues;
        this.maxDepth = maxDepth;
    }

    /**
     * Reads opcodes up to and including STOP and returns the pickled object.
     *
     * @throws FormatException for truncated or corrupt input, an unsupported opcode, or a limit exceeded
     */
    public Object load() throws IOException {
        try {
            while (true) {
                opcodeAt = in.position();
                int op = in.u8();
                if (op == STOP) {
                    if (stack.isEmpty()) {
                        throw fail("Pickle stops at byte " + opcodeAt + " with nothing on its stack.");
                    }
                    stopAt = opcodeAt;
                    return stack.remove(stack.size() - 1);
                }
                execute(op);
            }
        } catch (FormatException e) {
            throw withDangerBefore(e);
        }
    }

    /**
     * A pickle refused part way may already have named (and, under pickle.load, called) a dangerous global before
     * the opcode that stops this reader: peer scanners call such files malicious, so the refusal says so.
     */
    private FormatException withDangerBefore(FormatException e) {
        PickleSafety safety = new PickleSafety(allowlist);
        List<String> dangerous = imports.stream()
                .filter(g -> safety.classify(g) == Verdict.DANGEROUS)
                .map(PyGlobal::qualifiedName).limit(5).toList();
        if (dangerous.isEmpty()) {
            return e;
        }
        String names = String.join(", ", dangerous.stream().map(Quote::of).toList());
        return new FormatException(e.getMessage() + " Before that it imports " + names
                + ", which can run code: never load this file with pickle.load (nothing was executed here).", e);
    }

    /**
     * One line per unknown global, in order of first appearance; past
     * {@link Limit#PICKLE_GLOBAL_WARNINGS} the rest are counted in a last line.
     */
    public List<String> warnings() {
        return warnings(name -> false);
    }

    /**
     * {@link #warnings()} without the globals {@code quiet} names: those a safety scan already calls allowed
     * ({@code argparse.Namespace}), which an unknown-global warning would only contradict.
     */
    public List<String> warnings(java.util.function.Predicate<String> quiet) {
        List<String> lines = new ArrayList<>();
        List<String> named = unknownGlobals.stream().filter(quiet.negate()).toList();
        for (String name : named) {
            if (lines.size() == Limits.current().getInt(Limit.PICKLE_GLOBAL_WARNINGS)) {
                lines.add((named.size() - lines.size()) + " more unknown pickle globals read as inert "
                        + "placeholders.");
                break;
            }
            lines.add("unknown pickle global " + Quote.of(name) + " read as an inert placeholder.");
        }
        return List.copyOf(lines);
    }

    /**
     * Every distinct global the pickle named (GLOBAL, STACK_GLOBAL, INST), in order of first appearance, with
     * Python 2's {@code __builtin__} and {@code copy_reg} already mapped: the first {@link #MAX_IMPORTS}, then
     * only those that may be dangerous by their name (up to as many again), so none hides behind the cap.
     */
    public List<PyGlobal> imports() {
        return List.copyOf(imports);
    }

    /** Distinct globals named past the cap and not kept (none of them dangerous by its name, unless past twice the cap). */
    public long importsLeftOut() {
        return importsLeftOut;
    }

    /** Where the STOP opcode was read (bytes from the start of the input), or -1 before {@link #load()} ends. */
    public long stopAt() {
        return stopAt;
    }

    /** Budget units spent so far: about 16 bytes of memory each, held by what {@link #load()} returned. */
    public long spent() {
        return spent;
    }

    @Override
    public void spend(long values) {
        spent += values;
        if (spent > maxValues) {
            throw fail("Pickle builds more than " + maxValues + " values (at byte " + opcodeAt
                    + "), over the limit (" + Limit.PICKLE_VALUES.raise() + ").");
        }
    }

    private void execute(int op) throws IOException {
        switch (op) {
            case PROTO -> protocol(in.u8());
            case FRAME -> in.requireDeclared(in.littleEndian(8)); // a buffering hint; the frame's opcodes follow
            case MARK -> mark();
            case NONE -> push(null);
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case BININT -> push((long) (int) in.littleEndian(4));
            case BININT1 -> push((long) in.u8());
            case BININT2 -> push(in.littleEndian(2));
            case LONG1 -> push(integer(in.u8()));
            case LONG4 -> push(integer((int) in.littleEndian(4)));
            case BINFLOAT -> push(Double.longBitsToDouble(Long.reverseBytes(in.littleEndian(8)))); // big-endian
            case BINUNICODE -> push(text(in.littleEndian(4)));
            case SHORT_BINUNICODE -> push(text(in.u8()));
            case BINUNICODE8 -> push(text(in.littleEndian(8)));
            case SHORT_BINSTRING -> push(text(in.u8())); // a Python 2 str; torch.load decodes it as UTF-8
            case BINBYTES -> push(bytes(in.littleEndian(4)));
            case SHORT_BINBYTES -> push(bytes(in.u8()));
            case BINBYTES8 -> push(bytes(in.littleEndian(8)));
            case EMPTY_TUPLE -> push(PyTuple.EMPTY);
            case TUPLE -> push(tuple(popMark()));
            case TUPLE1 -> push(tuple(popN(1)));
            case TUPLE2 -> push(tuple(popN(2)));
            case TUPLE3 -> push(tuple(popN(3)));
            case EMPTY_LIST -> push(container(new PyList(), LIST_COST));
            case APPEND -> append(popN(1));
            case APPENDS -> append(popMark());
            case EMPTY_DICT -> push(container(new PyDict(), DICT_COST));
            case SETITEM -> setItems(popN(2));
            case SETITEMS -> setItems(popMark());
            case EMPTY_SET -> push(container(new PySet(), DICT_COST));
            case ADDITEMS -> addItems(popMark());
            case FROZENSET -> push(frozenSet(popMark()));
            case BINPUT -> memoize(in.u8());
            case LONG_BINPUT -> memoize(in.littleEndian(4));
            case MEMOIZE -> memoize(memo.size());
            case BINGET -> push(recall(in.u8()));
            case LONG_BINGET -> push(recall(in.littleEndian(4)));
            case BINPERSID -> push(persistentLoad(pop()));
            case GLOBAL -> push(global(globalName("GLOBAL name"), globalName("GLOBAL name")));
            case STACK_GLOBAL -> stackGlobal();
            case REDUCE, NEWOBJ -> call();
            case BUILD -> build();
            case INT -> push(intLine());
            case LONG -> push(longLine());
            case FLOAT -> push(floatLine());
            case STRING -> push(quotedString());
            case BINSTRING -> push(text(binStringLength()));
            case UNICODE -> push(rawUnicode());
            case PERSID -> push(persistentLoad(asciiLine()));
            case GET -> push(recall(memoIndex("GET")));
            case PUT -> memoize(memoIndex("PUT"));
            case DICT -> push(dict(popMark()));
            case LIST -> push(list(popMark()));
            case POP -> popOrMark();
            case POP_MARK -> popMark();
            case DUP -> push(peek());
            case INST -> inst();
            case OBJ -> obj();
            case NEWOBJ_EX -> newObjEx();
            case EXT1 -> throw extension(in.u8());
            case EXT2 -> throw extension(in.littleEndian(2));
            case EXT4 -> throw extension((int) in.littleEndian(4));
            case BYTEARRAY8 -> push(bytes(in.littleEndian(8)));
            case NEXT_BUFFER -> throw fail("Pickle refers to out-of-band buffer data at byte " + opcodeAt
                    + ", which a file cannot hold.");
            case READONLY_BUFFER -> readOnly();
            default -> throw fail(String.format("Pickle has unsupported opcode 0x%02x at byte %d.", op, opcodeAt));
        }
    }

    private void protocol(int version) {
        if (version > HIGHEST_PROTOCOL) {
            throw fail("Pickle protocol '" + version + "' is not supported (the highest is " + HIGHEST_PROTOCOL + ").");
        }
    }

    private void mark() {
        spend(1);
        marks.push(stack.size());
    }

    /** A new empty container: its own cost on top of the push. */
    private Object container(Object empty, int cost) {
        spend(cost);
        return empty;
    }

    private PyTuple tuple(List<Object> items) {
        spend(TUPLE_COST + items.size() / 2 + Hashing.cost(items));
        return PyTuple.of(items);
    }

    private PyFrozenSet frozenSet(List<Object> items) {
        spend(DICT_COST + (long) KEYED_ENTRY_COST * items.size());
        return new PyFrozenSet(hashables(items, "frozenset member"));
    }

    private void push(Object value) {
        int depth = Hashing.depth(value);
        if (depth > maxDepth) {
            throw fail("Pickle nests tuples deeper than " + maxDepth + " levels at byte " + opcodeAt
                    + " (" + Limit.PICKLE_DEPTH.raise() + ").");
        }
        spend(1);
        stack.add(value);
    }

    /** LONG1/LONG4: n bytes of little-endian two's complement. */
    private Object integer(int n) throws IOException {
        if (n < 0 || n > Limits.current().getInt(Limit.PICKLE_INT_BYTES)) {
            throw fail("Pickle integer of " + (n & 0xFFFF_FFFFL) + " bytes at byte " + opcodeAt
                    + " is over the limit of " + Limits.current().getInt(Limit.PICKLE_INT_BYTES)
                    + " bytes (" + Limit.PICKLE_INT_BYTES.raise() + ").");
        }
        in.requireDeclared(n);
        if (n == 0) {
            return 0L;
        }
        byte[] bigEndian = in.bytes(n);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            byte t = bigEndian[i];
            bigEndian[i] = bigEndian[j];
            bigEndian[j] = t;
        }
        BigInteger value = new BigInteger(bigEndian);
        spend(n / TEXT_BYTES_PER_VALUE);
        return PythonText.narrowed(value);
    }

    /** An int from text (INT, LONG), within the same bound as LONG1 and LONG4 and charged the same. */
    private Object checkedInt(Object value) {
        if (value instanceof BigInteger big) {
            int n = big.bitLength() / Byte.SIZE + 1;
            if (n > Limits.current().getInt(Limit.PICKLE_INT_BYTES)) {
                throw fail("Pickle integer of " + n + " bytes at byte " + opcodeAt + " is over the limit of "
                        + Limits.current().getInt(Limit.PICKLE_INT_BYTES) + " bytes ("
                        + Limit.PICKLE_INT_BYTES.raise() + ").");
            }
            spend(n / TEXT_BYTES_PER_VALUE);
        }
        return value;
    }

    /** INT: C's strtol, else Python's int(text, 0); {@code 00} and {@code 01} are False and True. */
    private Object intLine() throws IOException {
        String text = numberLine("INT");
        return checkedInt(PythonText.parseIntOpcode(text).orElseThrow(() -> notA("INT", "an int")));
    }

    /** LONG: Python's int(text, 0), after an optional trailing {@code L} (Python 2 wrote one). */
    private Object longLine() throws IOException {
        String text = numberLine("LONG");
        String digits = text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
        BigInteger value = PythonText.parseInt(digits, 0).orElseThrow(() -> notA("LONG", "an int"));
        return checkedInt(PythonText.narrowed(value));
    }

    private Object floatLine() throws IOException {
        String text = numberLine("FLOAT");
        double value = PythonText.parseFloat(text).orElseThrow(() -> notA("FLOAT", "a float"));
        if (Double.isInfinite(value) && !PythonText.spellsInfinity(text)) {
            throw fail("Pickle has a FLOAT out of range at byte " + opcodeAt + ".");
        }
        return value;
    }

    /** PUT and GET: Python's int(text), a memo index. */
    private long memoIndex(String opcode) throws IOException {
        BigInteger index = PythonText.parseInt(numberLine(opcode), 10)
                .orElseThrow(() -> notA(opcode, "an int"));
        if (opcode.equals("PUT") && index.signum() < 0) {
            throw fail("Pickle has a negative PUT index at byte " + opcodeAt + ".");
        }
        if (index.bitLength() >= Long.SIZE) {
            throw fail("Pickle has a " + opcode + " index out of range at byte " + opcodeAt + ".");
        }
        return index.longValue();
    }

    /**
     * A text line of a number, bounded so that no parse takes long: enough digits for any int within
     * {@link Limit#PICKLE_INT_BYTES} in base 8 or more.
     */
    private String numberLine(String opcode) throws IOException {
        int max = 3 * Limits.current().getInt(Limit.PICKLE_INT_BYTES) + 64;
        byte[] line = line(max, opcode);
        if (line.length == 0) {
            throw fail("Pickle has an empty " + opcode + " at byte " + opcodeAt + ".");
        }
        return new String(line, StandardCharsets.ISO_8859_1);
    }

    /** A line of at most {@code max} bytes: {@code what} (an opcode's argument) names it in the message. */
    private byte[] line(int max, String what) throws IOException {
        byte[] line = in.lineOrSkip(max);
        if (line == null) {
            throw fail("Pickle has " + article(what) + what + " longer than " + max + " bytes at byte " + opcodeAt
                    + ".");
        }
        return line;
    }

    private static String article(String what) {
        return what.matches("[AEIOU].*") ? "an " : "a ";
    }

    private FormatException notA(String opcode, String kind) {
        return fail("Pickle has " + article(opcode) + opcode + " that is not " + kind
                + " at byte " + opcodeAt + ".");
    }

    /** STRING: a quoted Python 2 string with escapes, decoded as UTF-8 as torch.load decodes it. */
    private Object quotedString() throws IOException {
        long start = in.position();
        byte[] line = in.lineOrSkip(Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES));
        if (line == null) {
            return new OmittedString(in.position() - start - 1);
        }
        int last = line.length - 1;
        if (line.length < 2 || line[0] != line[last] || line[0] != '\'' && line[0] != '"') {
            throw fail("Pickle has a STRING that is not quoted at byte " + opcodeAt + ".");
        }
        byte[] decoded = PythonText.escapeDecode(line, 1, last);
        if (decoded == null) {
            throw fail("Pickle has a STRING with an invalid escape at byte " + opcodeAt + ".");
        }
        spend(decoded.length / TEXT_BYTES_PER_VALUE);
        return new String(decoded, StandardCharsets.UTF_8);
    }

    /** UNICODE: raw-unicode-escape text. */
    private Object rawUnicode() throws IOException {
        long start = in.position();
        byte[] line = in.lineOrSkip(Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES));
        if (line == null) {
            return new OmittedString(in.position() - start - 1);
        }
        String text = PythonText.rawUnicodeEscapeDecode(line);
        if (text == null) {
            throw fail("Pickle has a UNICODE with an invalid escape at byte " + opcodeAt + ".");
        }
        spend(line.length / TEXT_BYTES_PER_VALUE);
        return text;
    }

    /** BINSTRING's length is a signed 32-bit int. */
    private long binStringLength() throws IOException {
        long n = in.littleEndian(4);
        if (n > Integer.MAX_VALUE) {
            throw fail("Pickle has a BINSTRING of negative length at byte " + opcodeAt + ".");
        }
        return n;
    }

    /** PERSID: an ASCII line, given to the persistent loader as a string. */
    private String asciiLine() throws IOException {
        byte[] line = line(MAX_GLOBAL_NAME_BYTES, "PERSID");
        for (byte b : line) {
            if (b < 0) {
                throw fail("Pickle has a PERSID that is not ASCII at byte " + opcodeAt + ".");
            }
        }
        return new String(line, StandardCharsets.US_ASCII);
    }

    /** A module or name line of GLOBAL or INST, decoded as UTF-8 (leniently, like every string here). */
    private String globalName(String what) throws IOException {
        return new String(line(MAX_GLOBAL_NAME_BYTES, what), StandardCharsets.UTF_8);
    }

    private Object text(long n) throws IOException {
        in.requireDeclared(n);
        if (n > Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES)) {
            in.skip(n);
            return new OmittedString(n);
        }
        spend(n / TEXT_BYTES_PER_VALUE);
        // Lenient decoding: a malformed name is shown with U+FFFD rather than failing the whole file.
        return new String(in.bytes((int) n), StandardCharsets.UTF_8);
    }

    private Object bytes(long n) throws IOException {
        in.requireDeclared(n);
        if (n > Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES)) {
            in.skip(n);
            return PyBytes.omitted(n);
        }
        spend(n / TEXT_BYTES_PER_VALUE);
        return PyBytes.wrap(in.bytes((int) n));
    }

    private void append(List<Object> items) {
        Object target = peek();
        if (target instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) target;
            list.addAll(items);
        } else if (target instanceof PyObject object) {
            items.forEach(object::append);
        } else {
            throw fail("Pickle appends to a " + quotedType(target) + " at byte " + opcodeAt + ".");
        }
    }

    private void setItems(List<Object> items) {
        if (items.size() % 2 != 0) {
            throw fail("Pickle sets an odd number of dict items at byte " + opcodeAt + ".");
        }
        Object target = peek();
        spend((long) KEYED_ENTRY_COST * items.size() / 2);
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            Object value = items.get(i + 1);
            if (target instanceof PyDict dict) {
                dict.put(hashable(key, "dict key"), value);
            } else if (target instanceof PyObject object) {
                object.setItem(hashable(key, "dict key"), value);
            } else {
                throw fail("Pickle sets dict items on a " + quotedType(target) + " at byte " + opcodeAt + ".");
            }
        }
    }

    private void addItems(List<Object> items) {
        Object target = peek();
        if (!(target instanceof PySet set)) {
            throw fail("Pickle adds set items to a " + quotedType(target) + " at byte " + opcodeAt + ".");
        }
        spend((long) KEYED_ENTRY_COST * items.size());
        set.addAll(hashables(items, "set member"));
    }

    private List<Object> hashables(List<Object> items, String role) {
        items.forEach(item -> hashable(item, role));
        return items;
    }

    /**
     * Python raises {@code TypeError: unhashable type} for these; so does this reader, as a FormatException. A
     * hashable one is charged for the fingerprint about to be computed.
     */
    private Object hashable(Object value, String role) {
        if (!Hashing.isHashable(value)) {
            throw fail("Pickle uses an unhashable " + quotedType(value) + " as a " + role + " at byte "
                    + opcodeAt + ".");
        }
        spend(Hashing.cost(value));
        return value;
    }

    /** DICT: MARK key value ... DICT. */
    private PyDict dict(List<Object> items) {
        if (items.size() % 2 != 0) {
            throw fail("Pickle sets an odd number of dict items at byte " + opcodeAt + ".");
        }
        spend(DICT_COST + (long) KEYED_ENTRY_COST * items.size() / 2);
        PyDict dict = new PyDict();
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(hashable(items.get(i), "dict key"), items.get(i + 1));
        }
        return dict;
    }

    private PyList list(List<Object> items) {
        spend(LIST_COST);
        return new PyList(items);
    }

    /** POP: the top item, or the innermost MARK when nothing was pushed since it (as CPython's C unpickler). */
    private void popOrMark() {
        if (!marks.isEmpty() && marks.peek() == stack.size()) {
            marks.pop();
        } else {
            pop();
        }
    }

    /** INST: MARK args INST module name: a call of the global, as REDUCE makes it. */
    private void inst() throws IOException {
        PyGlobal callee = global(globalName("INST name"), globalName("INST name"));
        push(callWith(callee, tuple(popMark())));
    }

    /** OBJ: MARK class args OBJ. */
    private void obj() {
        List<Object> items = popMark();
        if (items.isEmpty()) {
            throw underflow();
        }
        push(callWith(items.get(0), tuple(items.subList(1, items.size()))));
    }

    /**
     * NEWOBJ_EX: class, args, kwargs. A stand-in takes no keywords, so with some the call is an inert object
     * that keeps them.
     */
    private void newObjEx() {
        Object kwargs = pop();
        Object args = pop();
        Object callee = pop();
        if (!(kwargs instanceof Map<?, ?> keywords)) {
            throw fail("Pickle calls " + quotedType(callee) + " at byte " + opcodeAt + " with a "
                    + quotedType(kwargs) + " instead of keyword arguments.");
        }
        if (keywords.isEmpty()) {
            push(callWith(callee, args));
            return;
        }
        PyObject object = inert(callable(callee), arguments(callee, args));
        object.setKeywords(keywords);
        push(object);
    }

    private FormatException extension(long code) {
        return fail("Pickle uses extension code " + code + " at byte " + opcodeAt + ", which is not registered.");
    }

    /** READONLY_BUFFER: only a bytes-like value can be one; it stays what it was. */
    private void readOnly() {
        if (!(peek() instanceof PyBytes)) {
            throw fail("Pickle makes a " + quotedType(peek()) + " a read-only buffer at byte " + opcodeAt + ".");
        }
    }

    private void memoize(long index) {
        if (stack.isEmpty()) {
            throw underflow();
        }
        if (memo.put(index, peek()) == null) {
            spend(ENTRY_COST);
        }
    }

    private Object recall(long index) {
        Object value = memo.get(index);
        if (value == null && !memo.containsKey(index)) {
            throw fail("Pickle reads memo slot " + index + " at byte " + opcodeAt + ", which was never written.");
        }
        return value;
    }

    private Object persistentLoad(Object pid) {
        if (persistentLoader == null) {
            throw fail("Pickle has a persistent id at byte " + opcodeAt + ", which this format does not use.");
        }
        return persistentLoader.load(pid);
    }

    private void stackGlobal() {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail("Pickle's STACK_GLOBAL at byte " + opcodeAt + " names a global with a "
                    + quotedType(module instanceof String ? name : module) + " instead of a string.");
        }
        if (m.length() > MAX_GLOBAL_NAME_BYTES || n.length() > MAX_GLOBAL_NAME_BYTES) {
            throw fail("Pickle has a GLOBAL name longer than " + MAX_GLOBAL_NAME_BYTES + " bytes at byte "
                    + opcodeAt + ".");
        }
        push(global(m, n));
    }

    /**
     * GLOBAL resolves to a symbol only; an unknown one is reported once and stays an inert placeholder. A new
     * name is kept (as a symbol, and for its warning) and costs its length.
     */
    private PyGlobal global(String module, String name) {
        String mapped = PYTHON2_MODULES.getOrDefault(module, module);
        String qualified = mapped + "." + name;
        PyGlobal known = globals.get(qualified);
        if (known != null) {
            return known;
        }
        spend(ENTRY_COST + 2L * qualified.length() / TEXT_BYTES_PER_VALUE);
        if (!allowlist.knows(qualified)) {
            unknownGlobals.add(qualified);
        }
        PyGlobal global = new PyGlobal(mapped, name);
        globals.put(qualified, global);
        recordImport(global);
        return global;
    }

    /** A global for the safety scan: kept up to the cap, then only where its name may be dangerous. */
    private void recordImport(PyGlobal global) {
        if (imports.size() < MAX_IMPORTS
                || imports.size() < 2 * MAX_IMPORTS && PickleSafety.mayBeDangerous(global)) {
            imports.add(global);
        } else {
            importsLeftOut++;
        }
    }

    /** REDUCE (callable, args) and NEWOBJ (class, args). */
    private void call() {
        Object args = pop();
        Object callee = pop();
        push(callWith(callee, args));
    }

    /** A stand-in's result, or an inert object: what calling a global (or an inert object) yields. */
    private Object callWith(Object callee, Object args) {
        PyTuple tuple = arguments(callee, args);
        if (callable(callee) instanceof PyGlobal global) {
            Optional<StandIn> standIn = allowlist.standIn(global.qualifiedName());
            return standIn.isPresent() ? standIn.get().call(global, tuple, this) : inert(global, tuple);
        }
        return inert(callee, tuple);
    }

    private PyTuple arguments(Object callee, Object args) {
        if (!(args instanceof PyTuple tuple)) {
            throw fail("Pickle calls " + quotedType(callee) + " at byte " + opcodeAt + " with a "
                    + quotedType(args) + " instead of an argument tuple.");
        }
        return tuple;
    }

    /** A global or an inert object (which stays inert when called); nothing else can be called. */
    private Object callable(Object callee) {
        if (callee instanceof PyGlobal || callee instanceof PyObject) {
            return callee;
        }
        throw fail("Pickle calls a " + quotedType(callee) + " at byte " + opcodeAt + ", which is not callable.");
    }

    /** A value's Python type for a message: a global's name comes from the file, so it is quoted. */
    private static String quotedType(Object value) {
        return Quote.of(PyTypes.of(value));
    }

    private PyObject inert(Object type, PyTuple args) {
        spend(OBJECT_COST);
        return new PyObject(type, args);
    }

    /**
     * BUILD keeps the state of inert objects (so a walk can find tensors in it). On anything else it is
     * dropped: torch restores tensor attributes and OrderedDict's {@code _metadata} this way, neither of which
     * a header reader needs (and the state must never become dict items).
     */
    private void build() {
        Object state = pop();
        if (peek() instanceof PyGlobal target && !(state == null || state instanceof Map<?, ?> m && m.isEmpty())) {
            // pickle.dumps never builds a global: this writes the state into a module's or class's own attributes
            // (target.__dict__.update(state)), the way a pickle swaps torch._utils' functions for builtins.eval.
            // The scan lists it under that name, which is dangerous whatever the target.
            PyGlobal write = new PyGlobal(target.module(), target.name() + ".__dict__");
            if (globals.putIfAbsent(write.qualifiedName(), write) == null) {
                spend(ENTRY_COST);
                recordImport(write);
            }
        }
        if (peek() instanceof PyObject object) {
            if (object.state() instanceof Map<?, ?> && state instanceof Map<?, ?> update) {
                spend((long) KEYED_ENTRY_COST * update.size()); // merged entry by entry, however often
            }
            object.build(state);
        }
    }

    private Object peek() {
        if (stack.size() <= floor()) {
            throw underflow();
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        if (stack.size() <= floor()) {
            throw underflow();
        }
        return stack.remove(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        if (stack.size() - n < floor()) {
            throw underflow();
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("Pickle has no MARK for the opcode at byte " + opcodeAt + ".");
        }
        int mark = marks.pop();
        List<Object> top = stack.subList(mark, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    /** Items below the innermost MARK belong to an enclosing opcode; Python's unpickler cannot pop them either. */
    private int floor() {
        return marks.isEmpty() ? 0 : marks.peek();
    }

    private FormatException underflow() {
        return fail("Pickle pops an empty stack at byte " + opcodeAt + ".");
    }

    private static FormatException fail(String message) {
        return new FormatException(message);
    }
}
