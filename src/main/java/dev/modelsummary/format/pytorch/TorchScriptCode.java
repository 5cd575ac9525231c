package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.text.Quote;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The class declarations of one TorchScript code file ({@code <archive>/code/__torch__/....py}), as torch's
 * {@code python_print.cpp} writes them and its source importer reads them back:
 *
 * <pre>
 * class Conv2d(Module):
 *   __parameters__ = ["weight", "bias", ]
 *   __buffers__ = []
 *   weight : Tensor
 *   bias : Optional[Tensor]
 *   __annotations__["0"] = __torch__.torch.nn.modules.linear.Linear
 *   kernel_size : Final[Tuple[int, int]] = (3, 3)
 *   def forward(self: ...
 * </pre>
 *
 * <p>Only lines at the class level matter: {@code class} lines (indent 0) and the class body's own lines (indent
 * 2). The attributes, in declaration order, are the object's slots, which {@code named_parameters()} walks; an
 * attribute is a parameter (buffer) when {@code __parameters__} ({@code __buffers__}) names it; a line with
 * {@code = value} is a constant ({@code Final}), not a slot. Method bodies (indent 4 and deeper) are skipped byte
 * by byte, never kept or decoded, so their length and nesting cost nothing but the scan. The text is hostile: a
 * class-level line is kept only up to {@link #MAX_LINE_BYTES}, must be UTF-8, and names are bounded.
 */
final class TorchScriptCode {
    /** A class-level line longer than this is refused: real ones are a few hundred bytes. */
    static final int MAX_LINE_BYTES = 1 << 20;
    /** Bytes read from the stream at a time. */
    private static final int READ_CHUNK = 1 << 16;

    /**
     * One class as its code file declares it.
     *
     * @param module     whether it is a module ({@code class Name(Module):})
     * @param attributes the attribute (slot) names in declaration order
     * @param parameters the names {@code __parameters__} lists
     * @param buffers    the names {@code __buffers__} lists
     * @param setState   whether the class defines {@code __setstate__}: its objects are pickled as what its
     *                   {@code __getstate__} returns (quantized modules: a tuple), not as an attribute dict
     */
    record ClassDecl(String name, boolean module, List<String> attributes, Set<String> parameters,
                     Set<String> buffers, boolean setState) {
        ClassDecl(String name, boolean module, List<String> attributes, Set<String> parameters, Set<String> buffers) {
            this(name, module, attributes, parameters, buffers, false);
        }
    }

    private final String fileName;
    private final Map<String, ClassDecl> classes = new HashMap<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final int maxNameChars = Limits.current().getInt(Limit.TENSOR_NAME_CHARS);
    private int lineNumber;
    private String className;
    private boolean classIsModule;
    private List<String> attributes;
    private Set<String> declared;
    private Set<String> parameters;
    private Set<String> buffers;
    private boolean classSetState;

    private TorchScriptCode(String fileName) {
        this.fileName = fileName;
    }

    /**
     * The classes a code file declares, by their simple name.
     *
     * @param fileName the record's name, for messages
     * @throws FormatException for a class-level line over {@link #MAX_LINE_BYTES} or not UTF-8, or a
     *                         {@code __parameters__}/{@code __buffers__} list that cannot be read
     */
    static Map<String, ClassDecl> parse(String fileName, InputStream in) throws IOException {
        TorchScriptCode code = new TorchScriptCode(fileName);
        code.readLines(in);
        code.endClass();
        return Map.copyOf(code.classes);
    }

    /**
     * Splits the stream into lines; keeps those at indent 0 or 2 (up to the bound), skips the rest unread: method
     * bodies and comment lines are passed over without being kept or decoded.
     */
    private void readLines(InputStream in) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        int leadingSpaces = 0;
        boolean atIndent = true; // still reading the line's leading spaces
        boolean keep = false;
        byte[] buffer = new byte[READ_CHUNK];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                int b = buffer[i] & 0xff;
                if (b == '\n') {
                    if (keep) {
                        line(decode(kept));
                    }
                    lineNumber++;
                    kept.reset();
                    leadingSpaces = 0;
                    atIndent = true;
                    keep = false;
                    continue;
                }
                if (atIndent) {
                    if (b == ' ') {
                        leadingSpaces++;
                        continue;
                    }
                    atIndent = false;
                    keep = (leadingSpaces == 0 || leadingSpaces == 2) && b != '#';
                    if (keep && leadingSpaces == 2) {
                        kept.write(' ');
                        kept.write(' ');
                    }
                }
                if (keep) {
                    if (kept.size() == MAX_LINE_BYTES) {
                        throw fail("has a class-level line longer than " + MAX_LINE_BYTES + " bytes.");
                    }
                    kept.write(b);
                } else {
                    i = indexOf(buffer, i + 1, n, (byte) '\n') - 1; // the rest of a skipped line, in one scan
                }
            }
        }
        if (keep) {
            line(decode(kept));
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return to;
    }

    private String decode(ByteArrayOutputStream bytes) {
        try {
            String text = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        } catch (CharacterCodingException e) {
            throw fail("is not UTF-8 text.");
        }
    }

    private void line(String text) {
        if (!text.startsWith("  ")) {
            endClass();
            if (text.startsWith("class ")) {
                startClass(text);
            }
            return; // anything else at the top level (comments, imports of old archives) declares no slot
        }
        if (className == null) {
            return;
        }
        String body = text.substring(2);
        if (body.startsWith("__parameters__ = ")) {
            parameters.addAll(stringList(body.substring("__parameters__ = ".length()), "__parameters__"));
        } else if (body.startsWith("__buffers__ = ")) {
            buffers.addAll(stringList(body.substring("__buffers__ = ".length()), "__buffers__"));
        } else if (body.startsWith("__annotations__[")) {
            annotation(body);
        } else if (body.startsWith("def __setstate__(")) {
            classSetState = true;
        } else {
            typedAttribute(body);
        }
    }

    /** {@code class Name(Module):}, {@code class Name:} or {@code class Name(Base):}. */
    private void startClass(String text) {
        String rest = text.substring("class ".length());
        int end = 0;
        while (end < rest.length() && isNameChar(rest.charAt(end))) {
            end++;
        }
        if (end == 0) {
            return;
        }
        className = rest.substring(0, end);
        classIsModule = rest.startsWith("(Module):", end);
        attributes = new ArrayList<>();
        declared = new HashSet<>();
        parameters = new LinkedHashSet<>(); // in the list's order, so an error names the first bad entry
        buffers = new LinkedHashSet<>();
        classSetState = false;
    }

    private void endClass() {
        if (className == null) {
            return;
        }
        for (String name : parameters) {
            requireDeclared(name, "__parameters__");
        }
        for (String name : buffers) {
            requireDeclared(name, "__buffers__");
        }
        // A second class of the same name in one file replaces the first, as a Python module would.
        classes.put(className, new ClassDecl(className, classIsModule, List.copyOf(attributes),
                Set.copyOf(parameters), Set.copyOf(buffers), classSetState));
        className = null;
    }

    private void requireDeclared(String name, String list) {
        if (!declared.contains(name)) {
            throw new FormatException("Code file " + Quote.of(fileName) + ": class " + Quote.of(className)
                    + " lists " + Quote.of(name) + " in " + list + " but declares no such attribute.");
        }
    }

    /** {@code name : Type} is a slot; {@code name : Final[T] = value} is a constant. */
    private void typedAttribute(String body) {
        int colon = body.indexOf(" : ");
        if (colon <= 0 || body.indexOf(" = ", colon) >= 0) {
            return;
        }
        String name = body.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return; // not a declaration: a def line, a decorator ...
            }
        }
        addAttribute(name);
    }

    /** {@code __annotations__["0"] = Type}: an attribute whose name is no identifier. */
    private void annotation(String body) {
        StringCursor cursor = new StringCursor(body, "__annotations__[".length());
        String name = cursor.string("__annotations__");
        if (!cursor.skip("] = ")) {
            throw fail("line " + (lineNumber + 1) + ": cannot read the __annotations__ entry.");
        }
        addAttribute(name);
    }

    private void addAttribute(String name) {
        checkName(name);
        if (declared.add(name)) {
            attributes.add(name);
        }
    }

    /** {@code ["weight", "bias", ]}: string literals, each followed by a comma. */
    private List<String> stringList(String text, String what) {
        StringCursor cursor = new StringCursor(text, 0);
        if (!cursor.skip("[")) {
            throw fail("line " + (lineNumber + 1) + ": cannot read the " + what + " list.");
        }
        List<String> names = new ArrayList<>();
        cursor.skipSpaces();
        while (!cursor.skip("]")) {
            String name = cursor.string(what);
            checkName(name);
            names.add(name);
            cursor.skipSpaces();
            if (!cursor.skip(",")) {
                if (cursor.skip("]")) {
                    break;
                }
                throw fail("line " + (lineNumber + 1) + ": cannot read the " + what + " list.");
            }
            cursor.skipSpaces();
        }
        return names;
    }

    private void checkName(String name) {
        if (name.length() > maxNameChars) {
            throw fail("line " + (lineNumber + 1) + ": declares an attribute name longer than " + maxNameChars
                    + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
        }
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private FormatException fail(String what) {
        return new FormatException("Code file " + Quote.of(fileName) + " " + what);
    }

    /** Reads Python string literals ({@code "..."} or {@code '...'}) as python_print writes them. */
    private final class StringCursor {
        private final String text;
        private int at;

        StringCursor(String text, int at) {
            this.text = text;
            this.at = at;
        }

        boolean skip(String expected) {
            if (text.startsWith(expected, at)) {
                at += expected.length();
                return true;
            }
            return false;
        }

        void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        String string(String what) {
            if (at >= text.length() || (text.charAt(at) != '"' && text.charAt(at) != '\'')) {
                throw unreadable(what);
            }
            char quote = text.charAt(at++);
            StringBuilder out = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\') {
                    escape(out, what);
                } else {
                    out.append(c);
                }
                if (out.length() > maxNameChars) {
                    throw fail("line " + (lineNumber + 1) + ": declares an attribute name longer than "
                            + maxNameChars + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
                }
            }
            throw unreadable(what);
        }

        /** {@code \\ \" \' \n \t \r}, {@code \xHH} and octal {@code \ooo} (torch's printQuotedString). */
        private void escape(StringBuilder out, String what) {
            if (at >= text.length()) {
                throw unreadable(what);
            }
            char c = text.charAt(at++);
            switch (c) {
                case '\\', '"', '\'' -> out.append(c);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'x' -> out.append((char) digits(16, 2, 2, what));
                default -> {
                    if (c < '0' || c > '7') {
                        throw unreadable(what);
                    }
                    at--;
                    out.append((char) digits(8, 1, 3, what));
                }
            }
        }

        private int digits(int radix, int min, int max, String what) {
            int value = 0;
            int count = 0;
            while (count < max && at < text.length() && Character.digit(text.charAt(at), radix) >= 0) {
                value = value * radix + Character.digit(text.charAt(at++), radix);
                count++;
            }
            if (count < min) {
                throw unreadable(what);
            }
            return value;
        }

        private FormatException unreadable(String what) {
            return fail("line " + (lineNumber + 1) + ": cannot read a name in " + what + ".");
        }
    }
}
