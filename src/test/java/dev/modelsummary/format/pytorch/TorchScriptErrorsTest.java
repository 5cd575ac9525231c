package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed TorchScript archives, made from the real {@code custom.pt} and {@code frozen.pt} by replacing or
 * removing one record: each is refused with one exact sentence, or (for hostile text in a method body, which is
 * never kept) read as the original.
 */
class TorchScriptErrorsTest {
    private static final String CONV = "custom/code/__torch__/torch/nn/modules/conv.py";
    private static final String TOP = "custom/code/__torch__.py";

    @TempDir
    Path dir;

    @Test
    void aMissingCodeFile() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        records.remove(CONV);

        assertThat(error(records)).isEqualTo("Class '__torch__.torch.nn.modules.conv.Conv2d' has no code file '"
                + CONV + "' in the archive.");
    }

    @Test
    void aCodeFileWithoutTheClass() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "class Conv2d(Module):", "class Conv3d(Module):");

        assertThat(error(records)).isEqualTo("Code file '" + CONV + "' does not declare class 'Conv2d'.");
    }

    @Test
    void parametersNamingAnUndeclaredAttribute() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "__parameters__ = [\"weight\", \"bias\", ]",
                "__parameters__ = [\"weight\", \"bias\", \"scale\", ]");

        assertThat(error(records)).isEqualTo("Code file '" + CONV + "': class 'Conv2d' lists 'scale' in "
                + "__parameters__ but declares no such attribute.");
    }

    @Test
    void aDeclaredParameterThatDataPklLacks() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "__parameters__ = [\"weight\", \"bias\", ]",
                "__parameters__ = [\"weight\", \"bias\", \"scale\", ]\n  scale : Tensor");

        assertThat(error(records)).isEqualTo("Module 'conv' (class 'Conv2d') declares parameter 'scale' but "
                + "data.pkl gives it no value.");
    }

    @Test
    void aParameterThatIsNoTensor() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "__parameters__ = [\"weight\", \"bias\", ]",
                "__parameters__ = [\"weight\", \"bias\", \"training\", ]");

        assertThat(error(records)).isEqualTo("Tensor 'conv.training' is a 'bool' in data.pkl, not a tensor.");
    }

    @Test
    void aTopObjectThatIsNoModule() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, TOP, "class Custom(Module):", "class Custom:");

        assertThat(error(records)).isEqualTo("TorchScript data.pkl holds a '__torch__.Custom', not a module object.");
    }

    @Test
    void anUnreadableParameterList() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "__parameters__ = [\"weight\", \"bias\", ]", "__parameters__ = [\"weight\", bias, ]");

        assertThat(error(records)).isEqualTo("Code file '" + CONV + "' line 2: cannot read a name in __parameters__.");
    }

    @Test
    void aHugeClassLevelLine() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "  training : bool", "  training : " + "x".repeat(TorchScriptCode.MAX_LINE_BYTES));

        assertThat(error(records)).isEqualTo("Code file '" + CONV + "' has a class-level line longer than "
                + TorchScriptCode.MAX_LINE_BYTES + " bytes.");
    }

    @Test
    void aNonUtf8ClassLevelLine() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        byte[] code = records.get(CONV);
        String text = new String(code, StandardCharsets.UTF_8);
        int at = text.indexOf("training : bool");
        code[at + 1] = (byte) 0xff; // "t\xffaining"
        code[at + 2] = (byte) 0xfe;

        assertThat(error(records)).isEqualTo("Code file '" + CONV + "' is not UTF-8 text.");
    }

    /** Method bodies are skipped byte by byte: a huge, deeply nested, non-UTF-8 body costs only the scan. */
    @Test
    void hostileMethodBodiesAreNeverKept() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        String deep = "    _9 = " + "[".repeat(200_000) + "]".repeat(200_000) + "\n"
                + " ".repeat(100_000) + "pass\n";
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        String text = new String(records.get(CONV), StandardCharsets.UTF_8);
        int body = text.indexOf("    weight = self.weight");
        code.write(text.substring(0, body).getBytes(StandardCharsets.UTF_8));
        code.write(deep.getBytes(StandardCharsets.UTF_8));
        code.write(new byte[] {' ', ' ', ' ', ' ', (byte) 0xff, (byte) 0xc0, '\n'});
        code.write(text.substring(body).getBytes(StandardCharsets.UTF_8));
        records.put(CONV, code.toByteArray());

        Model model = read(records);

        assertThat(model.tensors()).extracting(TensorEntry::name)
                .isEqualTo(read(records("custom.pt")).tensors().stream().map(TensorEntry::name).toList());
    }

    /** A deeply nested type annotation is a class-level line, but it is never parsed: only its name is. */
    @Test
    void aDeeplyNestedAnnotationIsNotParsed() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        edit(records, CONV, "  training : bool",
                "  training : bool\n  deep : " + "List[".repeat(100_000) + "int" + "]".repeat(100_000));

        assertThat(read(records).tensors()).hasSize(read(records("custom.pt")).tensors().size());
    }

    @Test
    void aMissingConstantsRecord() throws IOException {
        Map<String, byte[]> records = records("frozen.pt");
        records.remove("frozen/constants/0");

        assertThat(error(records)).isEqualTo("Storage '0' has no record 'frozen/constants/0' in the archive.");
    }

    @Test
    void aConstantsPickleThatIsNoTuple() throws IOException {
        Map<String, byte[]> records = records("custom.pt");
        records.put("custom/constants.pkl", new byte[] {(byte) 0x80, 2, 'N', '.'}); // PROTO 2, None, STOP

        assertThat(error(records)).isEqualTo("TorchScript constants.pkl holds a 'NoneType', not a tuple.");
    }

    private static void edit(Map<String, byte[]> records, String name, String from, String to) {
        String text = new String(records.get(name), StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        records.put(name, text.replace(from, to).getBytes(StandardCharsets.UTF_8));
    }

    /** Every record of a fixture, in archive order. */
    static Map<String, byte[]> records(String fixture) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(TorchScriptReaderTest.path(fixture).toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    records.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return records;
    }

    private Model read(Map<String, byte[]> records) throws IOException {
        return new TorchReader().read(write(records), ChannelOpener.FILES);
    }

    private String error(Map<String, byte[]> records) throws IOException {
        return TorchReaderTest.readError(new TorchReader(), write(records)).getMessage();
    }

    private Path write(Map<String, byte[]> records) throws IOException {
        ZipBuilder zip = new ZipBuilder();
        records.forEach(zip::add);
        Path file = dir.resolve("archive.pt");
        Files.write(file, zip.build());
        return file;
    }
}
