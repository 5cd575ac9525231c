package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.GroundTruth;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TorchScript archives beyond the plain module tree: statically quantized modules (state through
 * __getstate__/__setstate__), and every pickle of the archive reaching the safety verdict.
 */
class TorchScriptArchiveTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"quantized_static_scripted.pt", "quantized_static_traced.pt"})
    void aStaticQuantizedModelListsWhatTorchListsAndWarnsOfThePackedState(String fixture) throws IOException {
        Model model = new TorchReader().read(TorchScriptReaderTest.path(fixture), ChannelOpener.FILES);
        GroundTruth truth = GroundTruth.read(Resources.path("fixtures/torchscript/" + fixture + ".expected.json"));

        assertThat(model.format()).isEqualTo("torchscript");
        assertThat(model.tensors().stream().filter(t -> t.role() == Role.PARAMETER)).isEmpty();
        assertThat(truth.parameters()).isEmpty();
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(truth.stateDictKeys());
        assertThat(model.tensors()).allMatch(t -> t.role() == Role.BUFFER);
        assertThat(truth.buffers()).hasSize(2);
        assertThat(model.warnings()).singleElement().asString()
                .contains("'conv'", "ConvReLU2d", "__setstate__", "2 tensors");
    }

    @Test
    void aQuantizedClassThatDeclaresParametersButPicklesATupleIsRefused() throws IOException {
        Map<String, byte[]> records = TorchScriptErrorsTest.records("quantized_static_scripted.pt");
        String code = "quantized_static_scripted/code/__torch__/torch/nn/intrinsic/quantized/modules/conv_relu.py";
        String text = new String(records.get(code), StandardCharsets.UTF_8);
        records.put(code, text.replaceFirst("__parameters__ = \\[\\]", "__parameters__ = [\"scale\", ]")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(TorchReaderTest.readError(new TorchReader(), write(records)).getMessage())
                .contains("'conv'", "declares parameters or buffers", "__setstate__");
    }

    @Test
    void aDangerousImportInConstantsPklReachesTheVerdict() throws IOException {
        Map<String, byte[]> records = TorchScriptErrorsTest.records("empty.pt");
        String constants = records.keySet().stream().filter(n -> n.endsWith("/constants.pkl")).findFirst()
                .orElseThrow();
        records.put(constants, systemCall().op('\u0085').stop().build()); // TUPLE1: a tuple of one constant

        Model model = new TorchReader().read(write(records), ChannelOpener.FILES);

        PickleScan scan = model.details().pickle();
        assertThat(scan.dangerous()).isTrue();
        assertThat(scan.named(PickleScan.Verdict.DANGEROUS)).contains("posix.system");
        assertThat(scan.pickles()).isEqualTo(2);
    }

    @Test
    void anyOtherPickleInTheArchiveIsScannedToo() throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>(TorchScriptErrorsTest.records("empty.pt"));
        String prefix = records.keySet().iterator().next().split("/")[0];
        records.put(prefix + "/extra/hidden.pkl", systemCall().stop().build());

        Model model = new TorchReader().read(write(records), ChannelOpener.FILES);

        assertThat(model.details().pickle().named(PickleScan.Verdict.DANGEROUS)).contains("posix.system");
        assertThat(model.details().pickle().pickles()).isEqualTo(3);
    }

    @Test
    void aPklRecordThatIsNoPickleIsNamedInAWarningNotFatal() throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>(TorchScriptErrorsTest.records("empty.pt"));
        String prefix = records.keySet().iterator().next().split("/")[0];
        records.put(prefix + "/notes.pkl", "plain text".getBytes(StandardCharsets.UTF_8));

        Model model = new TorchReader().read(write(records), ChannelOpener.FILES);

        assertThat(model.warnings()).anyMatch(w -> w.contains("notes.pkl") && w.contains("not a pickle"));
    }

    @Test
    void codeFilesPastTheirLimitAreRefusedNamingTheLimit() throws Exception {
        Map<String, byte[]> records = new LinkedHashMap<>(TorchScriptErrorsTest.records("empty.pt"));
        String code = records.keySet().stream().filter(n -> n.endsWith("code/__torch__.py")).findFirst().orElseThrow();
        byte[] padded = (new String(records.get(code), StandardCharsets.UTF_8) + "# padding\n".repeat(500))
                .getBytes(StandardCharsets.UTF_8);
        records.put(code, padded);
        Path file = write(records);
        assertThat(new TorchReader().read(file, ChannelOpener.FILES).format()).isEqualTo("torchscript");

        Limits low = Limits.DEFAULT.with(Limit.TORCHSCRIPT_CODE_BYTES, padded.length - 1);
        assertThatThrownBy(() -> low.using(() -> new TorchReader().read(file, ChannelOpener.FILES)))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining("--limit torchscript-code-bytes=");
    }

    @Test
    void aCommentLineAtTheTopLevelDoesNotEndAClass() throws IOException {
        String code = "class M(Module):\n  __parameters__ = [\"w\", ]\n  __buffers__ = []\n# a comment\n"
                + "  w : Tensor\n";
        Map<String, TorchScriptCode.ClassDecl> classes = TorchScriptCode.parse("m.py",
                new java.io.ByteArrayInputStream(code.getBytes(StandardCharsets.UTF_8)));
        assertThat(classes.get("M").parameters()).containsExactly("w");
    }

    /** {@code posix.system("true")}, left on the stack. */
    private static PickleBuilder systemCall() {
        return PickleBuilder.protocol(2).global("posix", "system").str("true").op('\u0085').reduce();
    }

    private Path write(Map<String, byte[]> records) throws IOException {
        ZipBuilder zip = new ZipBuilder();
        records.forEach(zip::add);
        Path file = dir.resolve("archive.pt");
        Files.write(file, zip.build());
        return file;
    }
}
