package dev.modelsummary.format.pickle;

import static dev.modelsummary.testutil.PickleBuilder.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.testutil.PickleBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UnpicklerTest {
    private static final Allowlist PYTHON = Allowlist.python().build();

    /**
     * {@code pickle.dumps(v, protocol=P)} by CPython 3.11 for
     * {@code v = {'a': [1, 2.5, None, True, False], 3: (b'xy', 'é'), 'big': 2**70, 'neg': -300, 'set': {7},
     * 'fs': frozenset([8]), 'od': collections.OrderedDict([('z', 1), ('y', 2)])}}.
     */
    private static final String PYTHON_PROTOCOL_0 = "286470300a56610a70310a286c70320a49310a6146322e350a614e614930310a614930300a617349330a28635f636f646563730a656e636f64650a70330a285678790a70340a566c6174696e310a70350a7470360a5270370a56e90a70380a7470390a73566269670a7031300a4c313138303539313632303731373431313330333432344c0a73566e65670a7031310a492d3330300a73567365740a7031320a635f5f6275696c74696e5f5f0a7365740a7031330a28286c7031340a49370a61747031350a527031360a735666730a7031370a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7031380a28286c7031390a49380a61747032300a527032310a73566f640a7032320a63636f6c6c656374696f6e730a4f726465726564446963740a7032330a2874527032340a567a0a7032350a49310a7356790a7032360a49320a73732e";
    private static final String PYTHON_PROTOCOL_1 = "7d71002858010000006171015d7102284b014740040000000000004e4930310a4930300a654b0328635f636f646563730a656e636f64650a71032858020000007879710458060000006c6174696e3171057471065271075802000000c3a971087471095803000000626967710a4c313138303539313632303731373431313330333432344c0a58030000006e6567710b4ad4feffff5803000000736574710c635f5f6275696c74696e5f5f0a7365740a710d285d710e4b076174710f527110580200000066737111635f5f6275696c74696e5f5f0a66726f7a656e7365740a7112285d71134b086174711452711558020000006f64711663636f6c6c656374696f6e730a4f726465726564446963740a7117295271182858010000007a71194b01580100000079711a4b0275752e";
    private static final String PYTHON_PROTOCOL_2 = "80027d71002858010000006171015d7102284b014740040000000000004e8889654b03635f636f646563730a656e636f64650a710358020000007879710458060000006c6174696e3171058671065271075802000000c3a971088671095803000000626967710a8a0900000000000000004058030000006e6567710b4ad4feffff5803000000736574710c635f5f6275696c74696e5f5f0a7365740a710d5d710e4b076185710f527110580200000066737111635f5f6275696c74696e5f5f0a66726f7a656e7365740a71125d71134b086185711452711558020000006f64711663636f6c6c656374696f6e730a4f726465726564446963740a7117295271182858010000007a71194b01580100000079711a4b0275752e";
    private static final String PYTHON_PROTOCOL_4 = "8004958f000000000000007d94288c0161945d94284b014740040000000000004e8889654b0343027879948c02c3a99486948c03626967948a090000000000000000408c036e6567944ad4feffff8c03736574948f94284b07908c02667394284b0891948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c017a944b018c0179944b0275752e";
    private static final String PYTHON_PROTOCOL_5 = "8005958f000000000000007d94288c0161945d94284b014740040000000000004e8889654b0343027879948c02c3a99486948c03626967948a090000000000000000408c036e6567944ad4feffff8c03736574948f94284b07908c02667394284b0891948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c017a944b018c0179944b0275752e";

    @Nested
    class PythonsOwnPickles {
        @Test
        void protocol0TextOpcodes() throws IOException {
            assertPythonValue(load(hex(PYTHON_PROTOCOL_0)));
        }

        @Test
        void protocol1() throws IOException {
            assertPythonValue(load(hex(PYTHON_PROTOCOL_1)));
        }

        @Test
        void protocol2() throws IOException {
            assertPythonValue(load(hex(PYTHON_PROTOCOL_2)));
        }

        @Test
        void protocol4WithFramesMemoizeAndStackGlobal() throws IOException {
            assertPythonValue(load(hex(PYTHON_PROTOCOL_4)));
        }

        @Test
        void protocol5() throws IOException {
            assertPythonValue(load(hex(PYTHON_PROTOCOL_5)));
        }

        private void assertPythonValue(Object value) {
            assertThat(value).isInstanceOf(Map.class);
            Map<?, ?> dict = (Map<?, ?>) value;
            assertThat(items(dict.keySet())).containsExactly("a", 3L, "big", "neg", "set", "fs", "od");
            assertThat(items(dict.get("a"))).containsExactly(1L, 2.5, null, true, false);
            PyTuple pair = (PyTuple) dict.get(3L);
            assertThat(pair.get(0)).isEqualTo(PyBytes.of("xy".getBytes(StandardCharsets.US_ASCII)));
            assertThat(pair.get(1)).isEqualTo("é");
            assertThat(dict.get("big")).isEqualTo(BigInteger.TWO.pow(70));
            assertThat(dict.get("neg")).isEqualTo(-300L);
            assertThat(items(dict.get("set"))).containsExactly(7L);
            assertThat(dict.get("fs")).isInstanceOf(PyFrozenSet.class);
            assertThat(items(dict.get("fs"))).containsExactly(8L);
            assertThat(items(((Map<?, ?>) dict.get("od")).keySet())).containsExactly("z", "y");
        }
    }

    @Nested
    class Opcodes {
        @Test
        void integers() throws IOException {
            assertThat(load(PickleBuilder.protocol(2).int4(-7).stop().build())).isEqualTo(-7L);
            assertThat(load(PickleBuilder.protocol(2).int1(255).stop().build())).isEqualTo(255L);
            assertThat(load(PickleBuilder.protocol(2).op('M').le(65535, 2).stop().build())).isEqualTo(65535L);
            assertThat(load(PickleBuilder.protocol(2).op(0x8a).u8(0).stop().build())).isEqualTo(0L);
            assertThat(load(PickleBuilder.protocol(2).op(0x8a).u8(2).le(0xff00, 2).stop().build())).isEqualTo(-256L);
            assertThat(load(PickleBuilder.protocol(2).op(0x8a).u8(8).le(Long.MIN_VALUE, 8).stop().build()))
                    .isEqualTo(Long.MIN_VALUE);
            assertThat(load(PickleBuilder.protocol(2).op(0x8b).le(9, 4).le(0, 8).u8(1).stop().build()))
                    .isEqualTo(BigInteger.ONE.shiftLeft(64));
        }

        @Test
        void floatsAreBigEndian() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op('G').bytes(hex("400c000000000000")).stop().build();

            assertThat(load(pickle)).isEqualTo(3.5);
        }

        @Test
        void stringsAndBytesOfEveryWidth() throws IOException {
            byte[] pickle = PickleBuilder.protocol(4).mark()
                    .op(0x8c).u8(2).bytes(bytes("ab"))
                    .op(0x8d).le(2, 8).bytes(bytes("cd"))
                    .op('U').u8(2).bytes(bytes("ef"))
                    .op('B').le(1, 4).u8(1)
                    .op('C').u8(1).u8(2)
                    .op(0x8e).le(1, 8).u8(3)
                    .op('l').stop().build();
            byte[] asTuple = Arrays.copyOf(pickle, pickle.length);
            asTuple[asTuple.length - 2] = 't';

            PyTuple tuple = (PyTuple) load(asTuple);

            assertThat(tuple.items()).containsExactly("ab", "cd", "ef", PyBytes.of(new byte[] {1}),
                    PyBytes.of(new byte[] {2}), PyBytes.of(new byte[] {3}));
        }

        @Test
        void tuplesOfEverySize() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).mark()
                    .emptyTuple()
                    .int1(1).op(0x85)
                    .int1(1).int1(2).op(0x86)
                    .int1(1).int1(2).int1(3).op(0x87)
                    .tuple().stop().build();

            PyTuple tuple = (PyTuple) load(pickle);

            assertThat(tuple.items()).extracting(t -> ((PyTuple) t).size()).containsExactly(0, 1, 2, 3);
        }

        @Test
        void dictsKeepInsertionOrderAndTakeIntKeys() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op('}').put(0)
                    .str("z").int1(1).op('s')
                    .mark().int1(9).str("nine").str("a").none().op('u')
                    .stop().build();

            Map<?, ?> dict = (Map<?, ?>) load(pickle);

            assertThat(items(dict.keySet())).containsExactly("z", 9L, "a");
            assertThat(dict.get("a")).isNull();
        }

        @Test
        void memoSharesObjects() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op(']').put(0)
                    .op(']').op('r').le(70000, 4)
                    .get(0).op('j').le(70000, 4).op(0x86)
                    .op(0x86).stop().build();

            // stack: L0, L1, (L0, L1) -> TUPLE2 -> (L1, (L0, L1))
            PyTuple outer = (PyTuple) load(pickle);
            PyTuple inner = (PyTuple) outer.get(1);

            assertThat(inner.get(1)).isSameAs(outer.get(0));
            assertThat(inner.get(0)).isNotSameAs(outer.get(0));
        }

        @Test
        void aListMayContainItself() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op(']').put(0).get(0).op('a').stop().build();

            List<?> list = (List<?>) load(pickle);

            assertThat(list.get(0)).isSameAs(list);
        }

        @Test
        void setsAndFrozenSets() throws IOException {
            byte[] pickle = PickleBuilder.protocol(4).op(0x8f).mark().int1(1).int1(2).int1(1).op(0x90)
                    .mark().str("x").op(0x91).op(0x86).stop().build();

            PyTuple tuple = (PyTuple) load(pickle);

            assertThat(items(tuple.get(0))).containsExactly(1L, 2L);
            assertThat(items(tuple.get(1))).containsExactly("x");
        }

        @Test
        void tuplesAreHashableDictKeys() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op('}').mark()
                    .mark().int1(1).str("a").tuple().int1(5)
                    .mark().int1(1).str("a").tuple().int1(6)
                    .op('u').stop().build();

            Map<?, ?> dict = (Map<?, ?>) load(pickle);

            assertThat(dict).hasSize(1);
            assertThat(items(dict.values())).containsExactly(6L);
        }

        @Test
        void longTextIsSkippedNotKept() throws IOException {
            int n = Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES) + 1;
            byte[] pickle = PickleBuilder.protocol(2).op('X').le(n, 4).bytes(new byte[n])
                    .op('B').le(n, 4).bytes(new byte[n]).op(0x86).stop().build();

            PyTuple tuple = (PyTuple) load(pickle);

            assertThat(tuple.get(0)).isInstanceOf(OmittedString.class);
            assertThat(((OmittedString) tuple.get(0)).utf8Length()).isEqualTo(n);
            assertThat(((PyBytes) tuple.get(1)).kept()).isFalse();
            assertThat(((PyBytes) tuple.get(1)).length()).isEqualTo(n);
        }

        @Test
        void malformedUtf8IsReplacedNotFatal() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).op('X').le(2, 4).u8(0xc3).u8('(').stop().build();

            assertThat(load(pickle)).isEqualTo("\uFFFD(");
        }
    }

    /**
     * The opcodes of protocols 0 and 1 as CPython's C unpickler (the one torch.load uses) reads them; each
     * expectation is what {@code pickle.loads} returns for the same bytes in CPython 3.11.
     */
    @Nested
    class TextOpcodes {
        @Test
        void intsAsStrtolThenPythonReadThem() throws IOException {
            assertThat(loadText("I01\n.")).isEqualTo(true);
            assertThat(loadText("I00\n.")).isEqualTo(false);
            assertThat(loadText("I-300\n.")).isEqualTo(-300L);
            assertThat(loadText("I 0x1F \n.")).isEqualTo(31L);
            assertThat(loadText("I010\n.")).isEqualTo(8L); // C's strtol: a leading 0 is octal
            assertThat(loadText("I0o17\n.")).isEqualTo(15L);
            assertThat(loadText("I0b1_01\n.")).isEqualTo(5L);
            assertThat(loadText("I+7\n.")).isEqualTo(7L);
            assertThat(loadText("I99999999999999999999\n.")).isEqualTo(new BigInteger("99999999999999999999"));
        }

        @Test
        void longsFloatsAndTheirSpellings() throws IOException {
            assertThat(loadText("L123L\n.")).isEqualTo(123L);
            assertThat(loadText("L-5\n.")).isEqualTo(-5L);
            assertThat(loadText("L0x10L\n.")).isEqualTo(16L);
            assertThat(loadText("F2.5\n.")).isEqualTo(2.5);
            assertThat(loadText("F-inf\n.")).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(loadText("FInfinity\n.")).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(loadText("FNaN\n.")).isEqualTo(Double.NaN);
            assertThat(loadText("F1e3\n.")).isEqualTo(1000.0);
            assertThat(loadText("F.5\n.")).isEqualTo(0.5);
            assertThat(loadText("F5.\n.")).isEqualTo(5.0);
        }

        @Test
        void quotedStringsWithTheirEscapes() throws IOException {
            assertThat(loadText("S'a\\x41\\n\\101\\''\n.")).isEqualTo("aA\nA'");
            assertThat(loadText("S\"x\"\n.")).isEqualTo("x");
            assertThat(loadText("S'\\q'\n.")).isEqualTo("\\q");
            assertThat(loadText("T\u0002\u0000\u0000\u0000ab.")).isEqualTo("ab");
        }

        @Test
        void rawUnicodeEscapedText() throws IOException {
            assertThat(loadText("V\\u00e9\\\\u0041x\n.")).isEqualTo("\u00e9\\\\u0041x");
            assertThat(loadText("V\\U0001F600\n.")).isEqualTo("\uD83D\uDE00");
            assertThat(loadText("Vab\\\n.")).isEqualTo("ab\\");
            assertThat(loadText("V\u00e9\n.")).isEqualTo("\u00e9");
            assertThat(loadText("V\\\\\\u0041\n.")).isEqualTo("\\\\A");
        }

        @Test
        void containersAndStackOpcodes() throws IOException {
            assertThat(items(loadText("(I1\nI2\nl."))).containsExactly(1L, 2L);
            assertThat(asMap(loadText("(S'a'\nI1\nd."))).containsEntry("a", 1L).hasSize(1);
            assertThat(loadText("I1\nI2\n0.")).isEqualTo(1L); // POP
            assertThat(loadText("(0I5\n.")).isEqualTo(5L); // POP of a MARK
            assertThat(loadText("(I1\nI2\n1I3\n.")).isEqualTo(3L); // POP_MARK
            assertThat(((PyTuple) loadText("I1\n2\u0086.")).items()).containsExactly(1L, 1L); // DUP
            assertThat(loadText("I7\np5\n0g5\n.")).isEqualTo(7L); // PUT, GET
        }

        @Test
        void instAndObjCallClassesAsReduceDoes() throws IOException {
            assertThat(loadText("(i__builtin__\nset\n.")).isInstanceOf(PySet.class);
            assertThat(loadText("(c__builtin__\nset\n]o.")).isInstanceOf(PySet.class);
            Unpickler unpickler = unpickler(latin1("(S'rm -rf /'\nios\nsystem\n."));

            PyObject call = (PyObject) unpickler.load();

            assertThat(call.type()).isEqualTo(new PyGlobal("os", "system"));
            assertThat(call.args().items()).containsExactly("rm -rf /");
            assertThat(unpickler.warnings()).containsExactly("unknown pickle global 'os.system' read as an inert placeholder.");
        }

        @Test
        void protocol4And5DataOpcodes() throws IOException {
            assertThat(loadText("\u0080\u0005\u0096\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000ab."))
                    .isEqualTo(PyBytes.of(bytes("ab")));
            assertThat(loadText("\u0080\u0005C\u0002ab\u0098.")).isEqualTo(PyBytes.of(bytes("ab")));
            assertThat(loadText("c__builtin__\nset\n)}\u0092.")).isInstanceOf(PySet.class);
            PyObject withKeywords = (PyObject) loadText("cargparse\nNamespace\n)(S'lr'\nF0.1\nd\u0092.");
            assertThat(asMap(withKeywords.kwargs())).containsEntry("lr", 0.1);
        }

        @Test
        void whatCPythonRefuses() {
            assertThatThrownBy(() -> loadText("I1__0\n.")).hasMessage("Pickle has an INT that is not an int at byte 0.");
            assertThatThrownBy(() -> loadText("I1x\n.")).hasMessage("Pickle has an INT that is not an int at byte 0.");
            assertThatThrownBy(() -> loadText("I\n.")).hasMessage("Pickle has an empty INT at byte 0.");
            assertThatThrownBy(() -> loadText("LL\n.")).hasMessage("Pickle has a LONG that is not an int at byte 0.");
            assertThatThrownBy(() -> loadText("F 1.5\n.")).hasMessage("Pickle has a FLOAT that is not a float at byte 0.");
            assertThatThrownBy(() -> loadText("F1d\n.")).hasMessage("Pickle has a FLOAT that is not a float at byte 0.");
            assertThatThrownBy(() -> loadText("F1e400\n.")).hasMessage("Pickle has a FLOAT out of range at byte 0.");
            assertThatThrownBy(() -> loadText("Sx\n.")).hasMessage("Pickle has a STRING that is not quoted at byte 0.");
            assertThatThrownBy(() -> loadText("S'\\x4'\n."))
                    .hasMessage("Pickle has a STRING with an invalid escape at byte 0.");
            assertThatThrownBy(() -> loadText("S'\\'\n.")).hasMessage("Pickle has a STRING with an invalid escape at byte 0.");
            assertThatThrownBy(() -> loadText("V\\u12\n.")).hasMessage("Pickle has a UNICODE with an invalid escape at byte 0.");
            assertThatThrownBy(() -> loadText("V\\U00110000\n."))
                    .hasMessage("Pickle has a UNICODE with an invalid escape at byte 0.");
            assertThatThrownBy(() -> loadText("(I1\nd.")).hasMessage("Pickle sets an odd number of dict items at byte 4.");
            assertThatThrownBy(() -> loadText("I7\np-1\n.")).hasMessage("Pickle has a negative PUT index at byte 3.");
            assertThatThrownBy(() -> loadText("g3\n.")).hasMessage("Pickle reads memo slot 3 at byte 0, which was never written.");
            assertThatThrownBy(() -> loadText("T\u00ff\u00ff\u00ff\u00ff."))
                    .hasMessage("Pickle has a BINSTRING of negative length at byte 0.");
            assertThatThrownBy(() -> loadText("(o.")).hasMessage("Pickle pops an empty stack at byte 1.");
            assertThatThrownBy(() -> loadText("\u0082\u0001."))
                    .hasMessage("Pickle uses extension code 1 at byte 0, which is not registered.");
            assertThatThrownBy(() -> loadText("\u0084\u00ff\u00ff\u00ff\u00ff."))
                    .hasMessage("Pickle uses extension code -1 at byte 0, which is not registered.");
            assertThatThrownBy(() -> loadText("\u0080\u0005\u0097."))
                    .hasMessage("Pickle refers to out-of-band buffer data at byte 2, which a file cannot hold.");
            assertThatThrownBy(() -> loadText("\u0080\u0005K\u0001\u0098."))
                    .hasMessage("Pickle makes a 'int' a read-only buffer at byte 4.");
            assertThatThrownBy(() -> loadText("Pabc\n."))
                    .hasMessage("Pickle has a persistent id at byte 0, which this format does not use.");
        }

        @Test
        void numberLinesAreBoundedBeforeTheyAreParsed() {
            String digits = "9".repeat(3 * Limits.current().getInt(Limit.PICKLE_INT_BYTES) + 65);

            assertThatThrownBy(() -> loadText("I" + digits + "\n."))
                    .hasMessage("Pickle has an INT longer than 3136 bytes at byte 0.");
            assertThatThrownBy(() -> loadText("L" + "9".repeat(2500) + "\n."))
                    .hasMessage("Pickle integer of 1039 bytes at byte 0 is over the limit of 1024 bytes (raise with --limit pickle-int-bytes=N).");
        }

        @Test
        void longTextLinesAreSkippedNotKept() throws IOException {
            int n = Limits.current().getInt(Limit.PICKLE_KEPT_TEXT_BYTES) + 1;

            assertThat(loadText("V" + "x".repeat(n) + "\n.")).isInstanceOf(OmittedString.class);
            assertThat(loadText("S'" + "x".repeat(n) + "'\n.")).isInstanceOf(OmittedString.class);
        }

        private Object loadText(String latin1) throws IOException {
            return load(latin1(latin1));
        }
    }

    @Nested
    class Globals {
        @Test
        void orderedDictKeepsOrderAndBuildStateDoesNotBecomeItems() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).global("collections", "OrderedDict").put(0).emptyTuple().reduce()
                    .mark().str("b").int1(1).str("a").int1(2).op('u')
                    .op('}').str("_metadata").get(0).emptyTuple().reduce().op('s')
                    .op('b').stop().build();
            Unpickler unpickler = unpickler(pickle);

            Map<?, ?> dict = (Map<?, ?>) unpickler.load();

            assertThat(items(dict.keySet())).containsExactly("b", "a");
            assertThat(unpickler.warnings()).isEmpty();
        }

        @Test
        void python2BuiltinsAreMapped() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).global("__builtin__", "set").op(']').int1(4).op('a')
                    .op(0x85).reduce().stop().build();
            Unpickler unpickler = unpickler(pickle);

            assertThat(items(unpickler.load())).containsExactly(4L);
            assertThat(unpickler.warnings()).isEmpty();
        }

        @Test
        void codecsEncodeMakesLatin1Bytes() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).global("_codecs", "encode").str("\u00ff\u0001").str("latin1")
                    .op(0x86).reduce().stop().build();

            assertThat(load(pickle)).isEqualTo(PyBytes.of(new byte[] {(byte) 0xff, 1}));
        }

        @Test
        void unknownGlobalsAreInertPlaceholdersReportedOnce() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).mark()
                    .global("os", "system").str("rm -rf /").op(0x85).reduce()
                    .global("os", "system").str("again").op(0x85).reduce()
                    .global("builtins", "eval").str("1+1").op(0x85).reduce()
                    .tuple().stop().build();
            Unpickler unpickler = unpickler(pickle);

            PyTuple calls = (PyTuple) unpickler.load();

            PyObject first = (PyObject) calls.get(0);
            assertThat(first.type()).isEqualTo(new PyGlobal("os", "system"));
            assertThat(first.args().items()).containsExactly("rm -rf /");
            assertThat(unpickler.warnings()).containsExactly(
                    "unknown pickle global 'os.system' read as an inert placeholder.",
                    "unknown pickle global 'builtins.eval' read as an inert placeholder.");
        }

        @Test
        void manyUnknownGlobalsAreCountedPastTheLimit() throws IOException {
            PickleBuilder b = PickleBuilder.protocol(2).mark();
            for (int i = 0; i < Limits.current().getInt(Limit.PICKLE_GLOBAL_WARNINGS) + 5; i++) {
                b.global("evil", "f" + i);
            }
            Unpickler unpickler = unpickler(b.tuple().stop().build());
            unpickler.load();

            assertThat(unpickler.warnings()).hasSize(Limits.current().getInt(Limit.PICKLE_GLOBAL_WARNINGS) + 1);
            assertThat(unpickler.warnings().get(0)).isEqualTo("unknown pickle global 'evil.f0' read as an inert placeholder.");
            assertThat(unpickler.warnings().get(Limits.current().getInt(Limit.PICKLE_GLOBAL_WARNINGS)))
                    .isEqualTo("5 more unknown pickle globals read as inert placeholders.");
        }

        @Test
        void aLoweredGlobalWarningsLimitCountsTheRestSooner() throws Exception {
            PickleBuilder b = PickleBuilder.protocol(2).mark();
            for (int i = 0; i < 5; i++) {
                b.global("evil", "f" + i);
            }
            byte[] pickle = b.tuple().stop().build();

            List<String> warnings = Limits.DEFAULT.with(Limit.PICKLE_GLOBAL_WARNINGS, 2).using(() -> {
                Unpickler unpickler = unpickler(pickle);
                unpickler.load();
                return unpickler.warnings();
            });
            assertThat(warnings).hasSize(3).last().isEqualTo("3 more unknown pickle globals read as inert placeholders.");
        }

        @Test
        void inertObjectsKeepTheirStateAndItems() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).global("argparse", "Namespace").emptyTuple().op(0x81)
                    .op('}').str("lr").op('G').bytes(hex("3f847ae147ae147b")).op('s').op('b')
                    .str("k").str("v").op('s')
                    .stop().build();

            PyObject namespace = (PyObject) load(pickle);

            assertThat(asMap(namespace.state())).containsEntry("lr", 0.01);
            assertThat(asMap(namespace.items())).containsEntry("k", "v");
        }

        @Test
        void namesFromTheFileAreEscapedInWarningsAndMessages() throws IOException {
            byte[] warned = PickleBuilder.protocol(4).str("os\u001b[2J").str("system").op(0x93).stop().build();
            Unpickler unpickler = unpickler(warned);
            unpickler.load();
            byte[] called = PickleBuilder.protocol(4).str("evil\r").str("f").op(0x93).op(']').reduce().stop().build();

            assertThat(unpickler.warnings())
                    .containsExactly("unknown pickle global 'os\\u001b[2J.system' read as an inert placeholder.");
            assertThatThrownBy(() -> load(called))
                    .hasMessage("Pickle calls 'evil\\u000d.f' at byte 20 with a 'list' instead of an argument tuple.");
        }

        @Test
        void stackGlobalResolvesThroughTheSameAllowlist() throws IOException {
            byte[] pickle = PickleBuilder.protocol(4).op(0x8c).u8(2).bytes(bytes("os"))
                    .op(0x8c).u8(5).bytes(bytes("popen")).op(0x93).stop().build();
            Unpickler unpickler = unpickler(pickle);

            assertThat(unpickler.load()).isEqualTo(new PyGlobal("os", "popen"));
            assertThat(unpickler.warnings()).containsExactly("unknown pickle global 'os.popen' read as an inert placeholder.");
        }

        @Test
        void persistentIdsGoToTheLoader() throws IOException {
            byte[] pickle = PickleBuilder.protocol(2).str("id-7").op('Q').stop().build();
            Unpickler unpickler = new Unpickler(PickleInput.of(pickle), PYTHON, pid -> "loaded " + pid);

            assertThat(unpickler.load()).isEqualTo("loaded id-7");
        }
    }

    @Nested
    class MaliciousInput {
        @Test
        void unsupportedOpcode() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op(0xff).build()))
                    .isInstanceOf(FormatException.class)
                    .hasMessage("Pickle has unsupported opcode 0xff at byte 2.");
        }

        @Test
        void truncatedInput() {
            byte[] pickle = PickleBuilder.protocol(2).op(']').int1(1).build();

            assertThatThrownBy(() -> load(pickle)).hasMessage("Pickle is truncated at byte 5.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('J').u8(1).build()))
                    .hasMessage("Pickle is truncated at byte 4.");
        }

        @Test
        void hugeDeclaredLengthsAreCheckedBeforeAllocating() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('X').le(0xFFFFFFFFL, 4).stop().build()))
                    .hasMessage("Pickle declares 4294967295 bytes at byte 7, but only 1 remain.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(4).op(0x8e).le(-1, 8).stop().build()))
                    .hasMessage("Pickle declares 18446744073709551615 bytes at byte 11, but only 1 remain.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(4).op(0x95).le(1L << 40, 8).stop().build()))
                    .hasMessage("Pickle declares 1099511627776 bytes at byte 11, but only 1 remain.");
        }

        @Test
        void hugeIntegers() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op(0x8b).le(Integer.MAX_VALUE, 4).stop().build()))
                    .hasMessage("Pickle integer of 2147483647 bytes at byte 2 is over the limit of 1024 bytes (raise with --limit pickle-int-bytes=N).");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op(0x8b).le(-1, 4).stop().build()))
                    .hasMessage("Pickle integer of 4294967295 bytes at byte 2 is over the limit of 1024 bytes (raise with --limit pickle-int-bytes=N).");
        }

        @Test
        void deeplyNestedTuples() {
            PickleBuilder b = PickleBuilder.protocol(2).none();
            for (int i = 0; i < Limits.current().getInt(Limit.PICKLE_DEPTH) + 1; i++) {
                b.op(0x85);
            }

            assertThatThrownBy(() -> load(b.stop().build()))
                    .hasMessage("Pickle nests tuples deeper than 1000 levels at byte 1003 (raise with --limit pickle-depth=N).");
        }

        @Test
        void deeplyNestedListsParseWithoutRecursion() throws IOException {
            PickleBuilder b = PickleBuilder.protocol(2);
            int depth = 100_000;
            for (int i = 0; i < depth; i++) {
                b.op(']');
            }
            for (int i = 1; i < depth; i++) {
                b.op('a');
            }

            assertThat(load(b.stop().build())).isInstanceOf(List.class);
        }

        @Test
        void theValueBudgetBoundsMemory() {
            PickleBuilder b = PickleBuilder.protocol(2).op(']').put(0);
            for (int i = 0; i < 100; i++) {
                b.get(0);
            }
            Unpickler unpickler = new Unpickler(PickleInput.of(b.stop().build()), PYTHON, null, 50, 1000);

            // EMPTY_LIST 1 + 2, memo entry 3, then 1 per push: the 45th BINGET (at byte 5 + 2 * 44) is one too many
            assertThatThrownBy(unpickler::load).hasMessage("Pickle builds more than 50 values (at byte 93), over the limit (raise with --limit pickle-values=N).");
        }

        @Test
        void containersCostMoreThanReferences() {
            byte[] dicts = new byte[30];
            Arrays.fill(dicts, (byte) '}');
            Unpickler unpickler = new Unpickler(PickleInput.of(PickleBuilder.protocol(2).bytes(dicts).stop().build()),
                    PYTHON, null, 60, 1000);

            // each EMPTY_DICT costs 6: the 11th (at byte 12) is over 60
            assertThatThrownBy(unpickler::load).hasMessage("Pickle builds more than 60 values (at byte 12), over the limit (raise with --limit pickle-values=N).");
        }

        @Test
        void corruptStructure() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('a').stop().build()))
                    .hasMessage("Pickle pops an empty stack at byte 2.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).stop().build()))
                    .hasMessage("Pickle stops at byte 2 with nothing on its stack.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).get(3).stop().build()))
                    .hasMessage("Pickle reads memo slot 3 at byte 2, which was never written.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('}').int1(1).op('u').stop().build()))
                    .hasMessage("Pickle has no MARK for the opcode at byte 5.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('}').mark().int1(1).op('u').stop().build()))
                    .hasMessage("Pickle sets an odd number of dict items at byte 6.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('}').int1(1).op('a').stop().build()))
                    .hasMessage("Pickle appends to a 'dict' at byte 5.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op(']').int1(1).int1(2).op('s').stop().build()))
                    .hasMessage("Pickle sets dict items on a 'list' at byte 7.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(6).none().stop().build()))
                    .hasMessage("Pickle protocol '6' is not supported (the highest is 5).");
        }

        @Test
        void unhashableKeys() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('}').op(']').int1(1).op('s').stop().build()))
                    .hasMessage("Pickle uses an unhashable 'list' as a dict key at byte 6.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).op('}').op(']').op(0x85).int1(1).op('s')
                    .stop().build()))
                    .hasMessage("Pickle uses an unhashable 'tuple' as a dict key at byte 7.");
        }

        @Test
        void callingSomethingThatIsNotCallable() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).str("f").emptyTuple().reduce().stop().build()))
                    .hasMessage("Pickle calls a 'str' at byte 9, which is not callable.");
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).global("os", "system").op(']').reduce().stop()
                    .build()))
                    .hasMessage("Pickle calls 'os.system' at byte 14 with a 'list' instead of an argument tuple."
                            + " Before that it imports 'os.system', which can run code: never load this file with"
                            + " pickle.load (nothing was executed here).");
        }

        @Test
        void persistentIdsNeedALoader() {
            assertThatThrownBy(() -> load(PickleBuilder.protocol(2).str("x").op('Q').stop().build()))
                    .hasMessage("Pickle has a persistent id at byte 8, which this format does not use.");
        }
    }

    /**
     * Values stay hostile after parsing: hashing, comparing and printing them must be bounded in depth and work
     * whatever their shape (self-references, deep chains, DAGs that share one value twice per level).
     */
    @Nested
    class HostileValues {
        private static final Duration FAST = Duration.ofSeconds(3);

        @Test
        void anInertObjectRefusesAnUnhashableKeyAsPythonDoes() {
            byte[] pickle = PickleBuilder.protocol(2).global("argparse", "Namespace").emptyTuple().op(0x81)
                    .op(']').put(0).get(0).op('a').int1(1).op('s').stop().build();

            assertThatThrownBy(() -> load(pickle)).isInstanceOf(FormatException.class)
                    .hasMessage("Pickle uses an unhashable 'list' as a dict key at byte 32.");
        }

        @Test
        void cyclicAndDeepListsHashCompareAndPrintInBoundedWork() throws IOException {
            // a = [b], b = [a]: a cycle through two lists; then 100 000 nested lists
            byte[] cycle = PickleBuilder.protocol(2).op(']').put(0).op(']').put(1).get(0).op('a').op('a').stop()
                    .build();
            List<?> a = (List<?>) load(cycle);
            List<?> deep = (List<?>) load(nestedLists(100_000));

            assertTimeoutPreemptively(FAST, () -> {
                assertThat(a.hashCode()).isEqualTo(a.hashCode());
                assertThat(a.toString()).hasSizeLessThan(100);
                assertThat(deep.toString()).hasSizeLessThan(100);
                assertThat(deep.hashCode()).isEqualTo(deep.hashCode());
                assertThat(deep).isNotEqualTo(load(nestedLists(100_000)));
            });
        }

        @Test
        void chainsOfInertObjectsPrintInBoundedWork() {
            PickleBuilder b = PickleBuilder.protocol(2).global("argparse", "Namespace");
            for (int i = 0; i < 100_000; i++) {
                b.emptyTuple().reduce();
            }
            byte[] pickle = b.op(']').reduce().stop().build();

            assertTimeoutPreemptively(FAST, () -> assertThatThrownBy(() -> load(pickle))
                    .hasMessage("Pickle calls 'object' at byte 200023 with a 'list' instead of an argument tuple."));
        }

        @Test
        void sharedTupleDagsHashAndCompareInLinearTime() {
            // two equal DAGs built apart, each 60 levels of x = (x, x): 2^60 paths, 300 bytes each
            byte[] pickle = PickleBuilder.protocol(2).op('}').mark()
                    .bytes(tupleDag(60, 0)).int1(1)
                    .bytes(tupleDag(60, 1)).int1(2)
                    .op('u').stop().build();

            Map<?, ?> dict = assertTimeoutPreemptively(FAST, () -> (Map<?, ?>) load(pickle));

            assertThat(dict).hasSize(1);
            assertThat(items(dict.values())).containsExactly(2L);
        }

        @Test
        void sharedListDagsHashAndPrintInLinearTime() throws IOException {
            PickleBuilder b = PickleBuilder.protocol(2).op(']');
            for (int i = 0; i < 60; i++) {
                b.put(0).op(']').mark().get(0).get(0).op('e');
            }
            List<?> dag = (List<?>) load(b.stop().build());

            assertTimeoutPreemptively(FAST, () -> {
                assertThat(dag.hashCode()).isEqualTo(dag.hashCode());
                assertThat(dag.toString()).hasSizeLessThan(100);
            });
        }

        @Test
        void tupleKeysThatShareOneJavaHashStayFast() {
            // (i, 31 * (n - i)) all had the Java hash 31 * (31 + i) + 31 * (n - i): one tree bin, quadratic
            int n = 50_000;
            PickleBuilder b = PickleBuilder.protocol(2).op('}').mark();
            for (int i = 0; i < n; i++) {
                b.int4(i).int4(31 * (n - i)).op(0x86).int1(0);
            }
            byte[] pickle = b.op('u').stop().build();

            Map<?, ?> dict = assertTimeoutPreemptively(FAST, () -> (Map<?, ?>) load(pickle));

            assertThat(dict).hasSize(n);
        }

        @Test
        void stringAndIntKeysThatShareOneJavaHashStayFast() {
            // 2^15 strings of "Aa"/"BB" pairs share one String.hashCode; as many ints share it as Long.hashCode
            int bits = 15;
            int hash = "Aa".repeat(bits).hashCode();
            PickleBuilder b = PickleBuilder.protocol(2).op('}').mark();
            for (int i = 0; i < 1 << bits; i++) {
                StringBuilder key = new StringBuilder();
                for (int bit = 0; bit < bits; bit++) {
                    key.append((i >> bit & 1) == 0 ? "Aa" : "BB");
                }
                long sameHash = (long) (i + 1) << 32 | ((hash ^ (i + 1)) & 0xFFFF_FFFFL);
                b.str(key.toString()).int1(0).op(0x8a).u8(8).le(sameHash, 8).int1(0);
            }
            byte[] pickle = b.op('u').stop().build();

            Map<?, ?> dict = assertTimeoutPreemptively(FAST, () -> (Map<?, ?>) load(pickle));

            assertThat(dict).hasSize(2 << bits);
        }

        @Test
        void bigIntsCostTheirLength() {
            // each LONG4 of 1024 bytes is a kilobyte of memory; it used to cost what a small int does
            PickleBuilder b = PickleBuilder.protocol(2).op(']').mark();
            for (int i = 0; i < 100; i++) {
                b.op(0x8b).le(1024, 4).bytes(new byte[1023]).u8(1);
            }
            Unpickler unpickler = new Unpickler(PickleInput.of(b.op('e').stop().build()), PYTHON, null, 5000, 1000);

            assertThatThrownBy(unpickler::load).hasMessageStartingWith("Pickle builds more than 5000 values (at byte");
        }

        @Test
        void bytesEncodedFromOneSharedStringCostTheirLength() {
            // _codecs.encode copies its string: 200 calls on one 10 000-character string are 2 MB
            PickleBuilder b = PickleBuilder.protocol(2).op(']').mark().global("_codecs", "encode").put(0)
                    .str("x".repeat(10_000)).str("latin1").op(0x86).put(1).reduce();
            for (int i = 0; i < 200; i++) {
                b.get(0).get(1).reduce();
            }
            Unpickler unpickler = new Unpickler(PickleInput.of(b.op('e').stop().build()), PYTHON, null, 50_000, 1000);

            assertThatThrownBy(unpickler::load).hasMessageStartingWith("Pickle builds more than 50000 values (at byte");
        }

        @Test
        void stackGlobalNamesAreBoundedAsGlobalNamesAre() {
            byte[] pickle = PickleBuilder.protocol(4).str("m".repeat(5000)).str("f").op(0x93).stop().build();

            assertThatThrownBy(() -> load(pickle))
                    .hasMessage("Pickle has a GLOBAL name longer than 4096 bytes at byte 5013.");
        }

        @Test
        void newGlobalNamesCostTheirLength() {
            // every GLOBAL with a new name of 8 KB is kept twice, once as a symbol and once for its warning
            PickleBuilder b = PickleBuilder.protocol(2);
            for (int i = 0; i < 100; i++) {
                b.global("m".repeat(4000) + i, "f".repeat(4000));
            }
            Unpickler unpickler = new Unpickler(PickleInput.of(b.stop().build()), PYTHON, null, 5000, 1000);

            assertThatThrownBy(unpickler::load).hasMessageStartingWith("Pickle builds more than 5000 values (at byte");
        }

        /** {@code depth} levels of x = (x, x) over None, memo slot {@code slot}. */
        private byte[] tupleDag(int depth, int slot) {
            PickleBuilder b = PickleBuilder.raw().none();
            for (int i = 0; i < depth; i++) {
                b.put(slot).get(slot).op(0x86);
            }
            return b.build();
        }

        private byte[] nestedLists(int depth) {
            PickleBuilder b = PickleBuilder.protocol(2);
            for (int i = 0; i < depth; i++) {
                b.op(']');
            }
            for (int i = 1; i < depth; i++) {
                b.op('a');
            }
            return b.stop().build();
        }
    }

    private static Object load(byte[] pickle) throws IOException {
        return unpickler(pickle).load();
    }

    private static Unpickler unpickler(byte[] pickle) {
        return new Unpickler(PickleInput.of(pickle), PYTHON, null);
    }

    private static List<Object> items(Object collection) {
        return new ArrayList<>((Collection<?>) collection);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object map) {
        return (Map<Object, Object>) map;
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
