package dev.modelsummary.format.onnx;

import static dev.modelsummary.format.onnx.Pb.constant;
import static dev.modelsummary.format.onnx.Pb.model;
import static dev.modelsummary.format.onnx.Pb.of;
import static dev.modelsummary.format.onnx.Pb.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.MemoryOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files built byte by byte: every rule of the reader, with its exact message. */
class OnnxValidationTest {

    private static Model read(byte[] file) throws IOException {
        return new OnnxReader().read(Path.of("test.onnx"), new MemoryOpener(file));
    }

    private static void refused(byte[] file, String message) {
        assertThatThrownBy(() -> read(file)).isInstanceOf(FormatException.class).hasMessage(message);
    }

    private static byte[] oneInitializer(Pb tensor) {
        return model(of().message(5, tensor));
    }

    @Test
    void headerFactsKeepAFewOpsetsAndSkipALongProducer() throws IOException {
        Pb m = of().varint(1, 9).string(2, "p".repeat(5000)).string(3, "1.0");
        for (int i = 0; i < 6; i++) {
            m.message(8, of().string(1, i == 0 ? "" : "domain" + i).varint(2, 10 + i));
        }
        Model model = read(m.message(7, of().message(5, tensor("t", 1, 4, 1))).build());

        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("ONNX IR version: 9",
                        "opset: ai.onnx 10, domain1 11, domain2 12, domain3 13 and 2 more");
    }

    @ParameterizedTest
    @CsvSource({"17,float8_e4m3fn,6", "18,float8_e4m3fnuz,6", "19,float8_e5m2,6", "20,float8_e5m2fnuz,6",
            "21,uint4,3", "22,int4,3", "23,float4_e2m1,3", "24,float8_e8m0fnu,6", "25,uint2,2", "26,int2,2",
            "27,float6_e2m3,5", "28,float6_e3m2,5",
            "1,float32,24", "15,complex128,96", "16,bfloat16,12"})
    void newerDataTypesAreSizedFromTheirBits(int dataType, String torchName, long bytes) throws IOException {
        Model model = read(oneInitializer(tensor("t", dataType, (int) bytes, 2, 3)));
        assertThat(model.tensors()).extracting(TensorEntry::dtype, TensorEntry::bytes)
                .containsExactly(tuple(DType.byTorchName(torchName).orElseThrow(), bytes));
    }

    @Test
    void sixBitFloatsAreOneBitStream() throws IOException {
        // onnx 1.23's packing: ceil(6 * n / 8) bytes: 1 -> 1, 5 -> 4, 8 -> 6.
        assertThat(read(model(of().message(5, tensor("a", 27, 1, 1)).message(5, tensor("b", 28, 4, 5))
                .message(5, tensor("c", 27, 6, 2, 4)))).tensors()).extracting(TensorEntry::bytes)
                .containsExactly(1L, 4L, 6L);
        refused(oneInitializer(tensor("t", 27, 5, 5)), "Initializer 't' has '5' bytes of raw_data, but its shape (5,) "
                + "of FLOAT6E2M3 needs '4'.");
    }

    @Test
    void subByteSizesRoundUpToWholeBytes() throws IOException {
        // ceil(3 * 4 / 8) = 2 and ceil(5 * 2 / 8) = 2.
        assertThat(read(model(of().message(5, tensor("a", 22, 2, 3)).message(5, tensor("b", 25, 2, 5)))).tensors())
                .extracting(TensorEntry::bytes).containsExactly(2L, 2L);
    }

    @Test
    void dimsMayBePackedUnpackedOrBothAndFieldsComeInAnyOrder() throws IOException {
        Pb t = of().bytes(9, new byte[24]).string(8, "t").varint(1, 2)
                .bytes(1, Pb.varintBytes(3)).varint(2, 3).bytes(1, new byte[] {4});
        assertThat(read(oneInitializer(t)).tensors()).extracting(TensorEntry::shape)
                .containsExactly(Shape.of(2, 3, 4));
    }

    @Test
    void aSecondGraphFieldMergesIntoTheFirstAsProtobufMerges() throws IOException {
        byte[] file = of().varint(1, 8).message(7, of().message(5, tensor("a", 1, 4)))
                .message(7, of().message(5, tensor("b", 1, 4))).build();
        assertThat(read(file).tensors()).extracting(TensorEntry::name).containsExactly("a", "b");
    }

    @Test
    void unknownFieldsAreSkippedByWireType() throws IOException {
        Pb graph = of().varint(100, 5).raw(new byte[] {(byte) 0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8}) // field 100, fixed64
                .raw(new byte[] {(byte) 0xa5, 0x06, 1, 2, 3, 4}) // field 100, fixed32
                .string(2, "g").message(5, tensor("a", 1, 4));
        assertThat(read(model(graph)).tensors()).extracting(TensorEntry::name).containsExactly("a");
    }

    @Test
    void constantsListTheirOutputWithTheShapeOfTheirValue() throws IOException {
        Pb graph = of()
                .message(1, constant("floats", of().string(1, "value_floats").bytes(7, new byte[12]).varint(20, 6)))
                .message(1, constant("ints", of().string(1, "value_ints").varint(8, 1).varint(8, 2).varint(20, 7)))
                .message(1, constant("packed_ints", of().string(1, "value_ints")
                        .bytes(8, new byte[] {1, (byte) 0x80, 1, 3}).varint(20, 7)))
                .message(1, constant("t", of().string(1, "value").message(5, tensor("", 10, 8, 2, 2)).varint(20, 4)))
                .message(1, constant("int_matrix", of().string(1, "value").message(5, tensor("", 7, 32, 2, 2))
                        .varint(20, 4)))
                .message(1, of().string(2, "other").string(4, "Constant").string(7, "com.example")
                        .message(5, of().string(1, "value_int").varint(3, 1).varint(20, 2)));
        Model model = read(model(graph));
        // ints and packed_ints (int64 of rank 1) are shape arguments: counted in a fact, not listed
        assertThat(model.tensors())
                .extracting(TensorEntry::name, TensorEntry::shape, TensorEntry::dtype)
                .containsExactly(tuple("floats", Shape.of(3), DType.FLOAT32), tuple("t", Shape.of(2, 2), DType.FLOAT16),
                        tuple("int_matrix", Shape.of(2, 2), DType.INT64));
        assertThat(model.details().facts()).extracting(f -> f.label() + ": " + f.value()).contains("Constant nodes: "
                + "2 arguments not listed (scalars and integer vectors: shapes, axes, indices, arithmetic constants); "
                + "weights are initializers");
    }

    @Test
    void aShapeArgumentStillTakesItsNameInTheGraph() {
        Pb graph = of()
                .message(1, constant("x", of().string(1, "value_ints").varint(8, 1).varint(20, 7)))
                .message(1, constant("x", of().string(1, "value_floats").bytes(7, new byte[4]).varint(20, 6)));
        assertThatThrownBy(() -> read(model(graph))).isInstanceOf(FormatException.class)
                .hasMessageContaining("'x' has the name of an earlier tensor");
    }

    @Test
    void refusals() {
        refused(new byte[] {0x08, 0x07}, "File has no graph (ModelProto field 7): it is not an ONNX model.");
        refused(of().message(7, of()).build(),
                "File has no ir_version (ModelProto field 1): it is not an ONNX model.");
        refused(new byte[] {0x08, 0x07, 0x3a, 0x10, 0x00},
                "The model's graph declares '16' bytes, but only '1' remain in the message around it.");
        refused(new byte[] {0x08, 0x07, 0x3a, 0x01},
                "The model's graph declares '1' bytes, but only '0' remain in the message around it.");
        refused(new byte[] {0x08, (byte) 0x80},
                "File ends in the middle of a protobuf field: it is truncated, or not ONNX.");
        refused(new byte[] {0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},
                "File holds a malformed protobuf varint: it is corrupt, or not ONNX.");
        refused(new byte[] {0x08, 0x07, 0x0b, 0x0c},
                "Field '1' of the ModelProto has the wire type '3', which ONNX never writes (groups are 3 and 4; "
                        + "6 and 7 do not exist).");
        refused(new byte[] {0x08, 0x07, 0x0f},
                "Field '1' of the ModelProto has the wire type '7', which ONNX never writes (groups are 3 and 4; "
                        + "6 and 7 do not exist).");
        refused(new byte[0], "File is empty.");
    }

    @Test
    void tensorRefusals() {
        refused(oneInitializer(tensor("t", 0, 4, 1)), "Initializer 't' has the data type UNDEFINED ('0').");
        refused(oneInitializer(tensor("t", 29, 4, 1)),
                "Initializer 't' has the data type '29', which ONNX does not define.");
        refused(oneInitializer(tensor("t", 1, 4, -1)), "Initializer 't' has the negative dim '-1'.");
        refused(oneInitializer(tensor("t", 1, 20, 2, 3)),
                "Initializer 't' has '20' bytes of raw_data, but its shape (2, 3) of FLOAT needs '24'.");
        refused(oneInitializer(tensor("t", 11, 0, 1L << 40, 1L << 40)),
                "Initializer 't' has the shape (1099511627776, 1099511627776) of DOUBLE, whose size in bytes "
                        + "overflows.");
        refused(model(of().message(5, tensor("t", 1, 4, 1)).message(5, tensor("t", 1, 4, 1))),
                "Initializer 't' has the name of an earlier tensor.");
        refused(oneInitializer(tensor("t", 1, -1, 1).varint(14, 2)),
                "Initializer 't' has the data_location '2', neither DEFAULT ('0') nor EXTERNAL ('1').");
        long[] dims = new long[Limits.current().getInt(Limit.RANK) + 1];
        Arrays.fill(dims, 1);
        refused(oneInitializer(tensor("t", 1, 4, dims)), "A tensor has more than '64' dims, the limit (raise "
                + "with --limit rank=N).");
        refused(oneInitializer(of().bytes(8, new byte[Limits.current().getInt(Limit.TENSOR_NAME_CHARS) * 3 + 1])),
                "A tensor name is '12289' bytes long, over the limit of '12288' (raise with --limit tensor-name-chars=N).");
    }

    private static Pb entry(String key, String value) {
        return of().string(1, key).string(2, value);
    }

    private static byte[] external(Pb... entries) {
        Pb t = tensor("t", 1, -1, 2, 3).varint(14, 1);
        for (Pb e : entries) {
            t.message(13, e);
        }
        return oneInitializer(t);
    }

    @Test
    void externalDataRefusals() throws IOException {
        assertThat(read(external(entry("location", "w.bin"), entry("offset", "4096"), entry("length", "24")))
                .tensors()).extracting(TensorEntry::bytes).containsExactly(24L);
        refused(external(), "Initializer 't' has data_location EXTERNAL but no external_data 'location'.");
        for (String escape : new String[] {"/etc/passwd", "../w.bin", "a/../../w.bin", "C:\\w.bin", "a\\..\\w",
                "https://evil.example/w.bin", "//evil.example/w.bin"}) {
            refused(external(entry("location", escape)), "Initializer 't' has the external data location '"
                    + escape.replace("\\", "\\") + "', which is not a relative path inside the model's directory.");
        }
        refused(external(entry("location", "w.bin"), entry("offset", "-1")), "Initializer 't' has the external "
                + "data offset '-1', which is not a decimal integer from 0 to 18 digits long.");
        refused(external(entry("location", "w.bin"), entry("length", "9999999999999999999")), "Initializer 't' has "
                + "the external data length '9999999999999999999', which is not a decimal integer from 0 to 18 "
                + "digits long.");
        refused(external(entry("location", "w.bin"), entry("length", "25")), "Initializer 't' has an external "
                + "data length of '25' bytes, but its shape (2, 3) of FLOAT needs '24'.");
    }

    @Test
    void constantRefusals() {
        refused(model(of().message(1, of().string(4, "Constant"))), "A Constant node has no output.");
        refused(model(of().message(1, constant("c"))), "Constant 'c' has no value attribute.");
        refused(model(of().message(1, constant("c", of().string(1, "value_int").varint(20, 2),
                        of().string(1, "value_float").varint(20, 1)))),
                "Constant 'c' has several value attributes ('value_int', 'value_float'); ONNX allows exactly one.");
        refused(model(of().message(1, constant("c", of().string(1, "value").varint(20, 2)))),
                "Constant 'c' has the attribute 'value' of type '2' instead of '4'.");
        refused(model(of().message(1, constant("c", of().string(1, "value_bogus").varint(20, 2)))),
                "Constant 'c' has the unknown value attribute 'value_bogus'.");
        refused(model(of().message(1, constant("c", of().string(1, "value_floats").bytes(7, new byte[5])
                        .varint(20, 6)))), "An attribute's packed floats are '5' bytes, not a multiple of 4.");
    }

    @Test
    void sparseRefusalsNameTheTensorAndItsPart() {
        Pb sparse = of().message(1, tensor("s", 1, 8, 2)).message(2, tensor("", 7, 15, 2)).varint(3, 4);
        refused(model(of().message(15, sparse)),
                "Sparse initializer 's' indices has '15' bytes of raw_data, but its shape (2,) of INT64 needs '16'.");
    }

    /** A graph holding initializer 'w<depth>' and, below it, an If whose then_branch nests {@code depth} more. */
    private static Pb nested(int depth) {
        Pb graph = of().message(5, tensor("w" + depth, 1, 4, 1));
        if (depth > 0) {
            graph.message(1, of().string(4, "If").message(5, of().string(1, "then_branch").message(6, nested(depth - 1))
                    .varint(20, 5)));
        }
        return graph;
    }

    @Test
    void subgraphsAreReadDownToADepthBound() throws IOException {
        assertThat(read(model(nested(64))).tensors()).hasSize(65).extracting(TensorEntry::name)
                .startsWith("w64", "w63");
        assertThatThrownBy(() -> read(model(nested(65)))).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("Subgraphs nest more than '64' deep (at 'If#0.then_branch/If#0.then_branch/")
                .hasMessageEndingWith("...'); real models nest a few.");
    }

    @Test
    void aNameTwiceInOneSubgraphIsRefusedAndAcrossGraphsRenamed() throws IOException {
        Pb dup = of().message(5, tensor("a", 1, 4, 1)).message(5, tensor("a", 1, 4, 1));
        Pb main = of().message(5, tensor("a", 1, 4, 1)).message(1, of().string(3, "loop").string(4, "Loop")
                .message(5, of().string(1, "body").message(6, dup).varint(20, 5)));
        refused(model(main), "Initializer 'a' has the name of an earlier tensor of the subgraph 'loop.body'.");
        Pb once = of().message(5, tensor("a", 1, 4, 1));
        Pb ok = of().message(5, tensor("a", 1, 4, 1)).message(1, of().string(3, "loop").string(4, "Loop")
                .message(5, of().string(1, "body").message(6, once).varint(20, 5)));
        assertThat(read(model(ok)).tensors()).extracting(TensorEntry::name).containsExactly("a", "a@loop.body");
    }

    @Test
    void sparseValueCountsThatOverflowTogetherAreRefused() {
        // Two UINT2 sparse tensors of 2^62 stored values each (no data; uint8 indices keep each size in range).
        long n = 1L << 62;
        Pb a = of().message(1, tensor("a", 25, -1, n)).message(2, tensor("", 2, -1, n)).varint(3, n);
        Pb b = of().message(1, tensor("b", 25, -1, n)).message(2, tensor("", 2, -1, n)).varint(3, n);
        refused(model(of().message(15, a).message(15, b)), "The sparse tensors store more than 2^63 - 1 values "
                + "together (Sparse initializer 'b' brings the count past it).");
    }

    @Test
    void aRaisedNameLimitIsNoCrash() throws IOException {
        Limits huge = Limits.DEFAULT.with(Limit.TENSOR_NAME_CHARS, Integer.MAX_VALUE - 8);
        assertThat(huge.using(() -> read(oneInitializer(tensor("t", 1, 4, 1)))).tensors()).hasSize(1);
    }

    @Test
    void theTensorLimitIsEnforced() throws IOException {
        Limits two = Limits.DEFAULT.with(Limit.TENSORS, 2);
        byte[] file = model(of().message(5, tensor("a", 1, 4)).message(5, tensor("b", 1, 4))
                .message(5, tensor("c", 1, 4)));
        assertThatThrownBy(() -> two.using(() -> read(file))).isInstanceOf(FormatException.class)
                .hasMessage("Model lists more than '2' tensors, the limit (raise with --limit tensors=N).");
    }

    @Test
    void aControlCharacterInANameIsEscapedInMessages() {
        refused(oneInitializer(tensor("a\nb", 0, 4)), "Initializer 'a\\u000ab' has the data type UNDEFINED ('0').");
    }
}
