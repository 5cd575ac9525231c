package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch.export.save's PT2 archive ({@code fixtures/pt2/net.pt2}, laid out by
 * {@code tools/fixtures/make_pt2_fixtures.py} as torch 2.x's pt2_archive/_package.py writes it): the state dict
 * and the constants as ExportedProgram lists them, other layouts refused by name, pickles scanned.
 */
class Pt2ReaderTest {
    private static final String NET = "fixtures/pt2/net.pt2";

    @TempDir
    Path dir;

    @Test
    void listsTheStateDictThenTheConstantsAsExportedProgramHoldsThem() throws IOException {
        Model model = WeightReaders.standard().read(Resources.path(NET));
        JsonNode expected = new ObjectMapper().readTree(Resources.bytes(NET + ".expected.json"));

        assertThat(model.format()).isEqualTo(Pt2Reader.FORMAT);
        assertThat(model.warnings()).isEmpty();
        List<String> want = new ArrayList<>();
        for (JsonNode t : expected) {
            List<Long> dims = new ArrayList<>();
            t.get("shape").forEach(d -> dims.add(d.asLong()));
            boolean parameter = t.get("is_param").asBoolean() && !t.get("constant").asBoolean();
            want.add(t.get("name").asText() + " " + Shape.of(dims.stream().mapToLong(Long::longValue).toArray())
                    + " " + t.get("dtype").asText() + " " + (parameter ? "parameter" : "buffer")
                    + (parameter ? " " + t.get("requires_grad").asBoolean() : ""));
        }
        List<String> got = model.tensors().stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName()
                + " " + t.role().jsonName() + (t.role() == Role.PARAMETER ? " " + t.trainable() : "")).toList();
        assertThat(got).containsExactlyElementsOf(want).hasSize(13);
        assertThat(model.details().notes()).anyMatch(n -> n.contains("constants"));
        assertThat(model.details().pickle().pickles()).isEqualTo(1); // the sample inputs
        assertThat(model.details().pickle().isClean()).isTrue();
    }

    @Test
    void theConfigsOrderIsKeptWhereTorchGroupsAViewBesideTheStorageItShares() throws IOException {
        Model model = WeightReaders.standard().read(Resources.path(NET));
        List<String> names = model.tensors().stream().map(TensorEntry::name).toList();

        // package_pt2 writes one record per storage and the entries sharing it together: "win.view" (a view of
        // "table", registered last) comes right after "table" and before bn's buffers, as torch.export.load has it
        assertThat(names.subList(5, 11)).containsExactly("fc.bias", "table", "win.view", "bn.running_mean",
                "bn.running_var", "bn.num_batches_tracked");
        TensorEntry view = model.tensors().get(7);
        assertThat(view.shape()).isEqualTo(Shape.of(new long[] {4}));
        assertThat(view.aliasOf()).isNull(); // another view of the storage, not a second name for the same view
    }

    @Test
    void anEmptyRawRecordIsTheZerosTorchMakesForAMetaOrFakeTensor() throws IOException {
        Map<String, byte[]> records = records();
        records.put("net/data/weights/weight_0", new byte[0]); // conv.weight
        records.put("net/data/weights/weight_6", new byte[0]); // table and win.view (a view of its zeros)

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).hasSize(13);
        assertThat(model.tensors().get(0).shape()).isEqualTo(Shape.of(new long[] {4, 3, 3, 3}));
        assertThat(model.warnings()).singleElement().asString()
                .contains("3 tensors have no stored bytes", "'conv.weight'", "'table'", "'win.view'", "zeros");
    }

    @Test
    void aViewPastTheZerosMadeForAnEmptyRecordsFirstEntryIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        records.put("net/data/weights/weight_6", new byte[0]);
        String config = "net/data/weights/model_weights_config.json";
        records.put(config, new String(records.get(config), StandardCharsets.UTF_8)
                .replace("\"storage_offset\": {\"as_int\": 2}", "\"storage_offset\": {\"as_int\": 3}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("'win.view'", "reaches byte 28", "holds 24 bytes", "zeros");
    }

    @Test
    void aBufferTorchGivesBackRequiringGradIsNamed() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        int table = text.indexOf("\"table\"");
        // "table" requires grad; "win.view", a view of the same record, then does too in torch.export.load
        records.put(config, (text.substring(0, table) + text.substring(table).replaceFirst(
                "\"requires_grad\": false", "\"requires_grad\": true")).getBytes(StandardCharsets.UTF_8));

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.warnings()).singleElement().asString()
                .contains("2 buffers or constants", "requires_grad=True", "'table'", "'win.view'");
    }

    @Test
    void aRecordThatIsNotAWholeNumberOfElementsIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        records.put("net/data/weights/weight_1", new byte[15]); // conv.bias: float32

        assertThat(error(write(records))).contains("weight_1", "15 bytes", "not a whole number of float32");
    }

    @Test
    void aRecordNamedWithTwoDtypesIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        int view = text.indexOf("\"win.view\"");
        records.put(config, (text.substring(0, view) + text.substring(view).replaceFirst("\"dtype\": 7",
                "\"dtype\": 8")).getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("'win.view'", "float64", "first named as float32");
    }

    @Test
    void aConstantInARecordOfNoKnownKindIsRefusedAsTorchRefusesIt() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/constants/model_constants_config.json";
        records.put(config, new String(records.get(config), StandardCharsets.UTF_8)
                .replace("\"tensor_1\"", "\"blob_1\"").getBytes(StandardCharsets.UTF_8));
        records.put("net/data/constants/blob_1", records.remove("net/data/constants/tensor_1"));

        assertThat(error(write(records))).contains("'lifted_tensor_0'", "'blob_1'", "neither a tensor_");
    }

    @Test
    void aTorchScriptObjectThatCannotBeScannedIsNamedNotFatal() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/constants/model_constants_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        records.put(config, text.replaceFirst("\\{\"config\": \\{", "{\"config\": {\"packed\": {\"path_name\": "
                + "\"custom_obj_0\", \"is_param\": false, \"use_pickle\": true, \"tensor_meta\": null}, ")
                .getBytes(StandardCharsets.UTF_8));
        // torch._C._pickle_save writes a ZIP; one whose pickle is not readable here
        ZipBuilder inner = new ZipBuilder();
        inner.add("archive/data.pkl", new byte[] {(byte) 0x80, 2, (byte) 0xff});
        records.put("net/data/constants/custom_obj_0", inner.build());

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).hasSize(13);
        assertThat(model.warnings()).anyMatch(w -> w.contains("custom_obj_0") && w.contains("could not be scanned"));
        assertThat(model.warnings()).anyMatch(w -> w.contains("1 object that is not a tensor")
                && w.contains("not listed: 'packed'"));
    }

    @Test
    void aTorchScriptObjectAsPickleSaveWritesItIsScannedAndTheTensorsStillListed() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/constants/model_constants_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        records.put(config, text.replaceFirst("\\{\"config\": \\{", "{\"config\": {\"packed\": {\"path_name\": "
                + "\"custom_obj_0\", \"is_param\": false, \"use_pickle\": true, \"tensor_meta\": null}, ")
                .getBytes(StandardCharsets.UTF_8));
        // torch._C._pickle_save: a ZIP whose data.pkl builds a __torch__.torch.classes object from its state
        ZipBuilder inner = new ZipBuilder();
        inner.add("archive/data.pkl", PickleBuilder.protocol(2)
                .global("__torch__.torch.classes._TorchScriptTesting", "_Foo").op(')').op(0x81)
                .ints(1, 2).op('b').stop().build());
        inner.add("archive/version", "1\n".getBytes(StandardCharsets.UTF_8));
        records.put("net/data/constants/custom_obj_0", inner.build());

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).hasSize(13);
        assertThat(model.warnings()).anyMatch(w -> w.contains("not listed: 'packed'"));
        assertThat(model.details().pickle().named(PickleScan.Verdict.UNKNOWN))
                .contains("__torch__.torch.classes._TorchScriptTesting._Foo");
        assertThat(model.details().pickle().named(PickleScan.Verdict.DANGEROUS)).isEmpty();
    }

    @Test
    void theRootFolderIsWhateverTheWriterNamedIt() throws IOException {
        // PyTorchFileWriter names the root after the file's stem ("my.model" for my.model.pt2) or "archive" for a
        // buffer; torch's reader takes it from the first record
        for (String root : List.of("archive", "my.model")) {
            Map<String, byte[]> records = new LinkedHashMap<>();
            records().forEach((k, v) -> records.put(root + k.substring("net".length()), v));

            Model model = WeightReaders.standard().read(write(records));

            assertThat(model.format()).isEqualTo(Pt2Reader.FORMAT);
            assertThat(model.tensors()).hasSize(13);
            assertThat(model.warnings()).isEmpty();
        }
    }

    @Test
    void aPickledTensorSubclassComesFirstWithItsTensorMetasShapeAndItsPickleScanned() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        // package_pt2 writes tensor subclasses first, each a torch.save of the tensor, with use_pickle
        records.put(config, text.replaceFirst("\\{\"config\": \\{", "{\"config\": {\"sub.weight\": {\"path_name\": "
                + "\"weight_10\", \"is_param\": true, \"use_pickle\": true, \"tensor_meta\": {\"dtype\": 13, "
                + "\"sizes\": [{\"as_int\": 3}, {\"as_int\": 5}], \"requires_grad\": false, \"device\": {\"type\": "
                + "\"cpu\"}, \"strides\": [{\"as_int\": 5}, {\"as_int\": 1}], \"storage_offset\": {\"as_int\": 0}, "
                + "\"layout\": 7}}, ").getBytes(StandardCharsets.UTF_8));
        records.put("net/data/weights/weight_10", records.get("net/data/sample_inputs/model.pt")); // a torch.save

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).hasSize(14);
        assertThat(model.tensors().get(0)).isEqualTo(TensorEntry.parameter("sub.weight", Shape.of(new long[] {3, 5}),
                dev.modelsummary.model.DType.BFLOAT16, false));
        assertThat(model.details().pickle().pickles()).isEqualTo(2);
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void aNameTheConfigGivesTwiceIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        records.put(config, new String(records.get(config), StandardCharsets.UTF_8)
                .replace("\"conv.bias\"", "\"conv.weight\"").getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("'conv.weight' twice");
    }

    @Test
    void emptySampleInputsAreNotAPickle() throws IOException {
        Map<String, byte[]> records = records();
        records.put("net/data/sample_inputs/model.pt", new byte[0]); // example_inputs None

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.warnings()).isEmpty();
        assertThat(model.tensors()).hasSize(13);
    }

    @Test
    void theOlderLayoutWithOneTorchSaveOfEachDictListsTheSame() throws IOException {
        Model current = WeightReaders.standard().read(Resources.path(NET));
        Model legacy = WeightReaders.standard().read(Resources.path("fixtures/pt2/net_legacy.pt2"));

        assertThat(legacy.format()).isEqualTo(Pt2Reader.FORMAT);
        assertThat(legacy.warnings()).isEmpty();
        // the older layout's dicts keep ExportedProgram.state_dict's own order; the current one groups by storage
        assertThat(legacy.tensors().stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype() + " " + t.role()
                + " " + t.trainable()).toList()).containsExactlyInAnyOrderElementsOf(current.tensors().stream()
                .map(t -> t.name() + " " + t.shape() + " " + t.dtype() + " " + t.role() + " " + t.trainable())
                .toList());
        assertThat(legacy.details().facts().get(0).value()).contains("older layout");
        assertThat(legacy.details().pickle().pickles()).isEqualTo(2); // the two torch.save records
        assertThat(legacy.details().pickle().isClean()).isTrue();
    }

    @Test
    void theOlderLayoutsRecordWinsOverAConfigAsTorchLooksForItFirst() throws IOException {
        Map<String, byte[]> records = records();
        try (ZipFile zip = new ZipFile(Resources.path("fixtures/pt2/net_legacy.pt2").toFile())) {
            records.put("net/data/constants/model.pt",
                    zip.getInputStream(zip.getEntry("net_legacy/data/constants/model.pt")).readAllBytes());
        }
        String config = "net/data/constants/model_constants_config.json";
        records.put(config, new String(records.get(config), StandardCharsets.UTF_8)
                .replace("\"mask\"", "\"not_read\"").getBytes(StandardCharsets.UTF_8));

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).extracting(TensorEntry::name).contains("mask").doesNotContain("not_read");
        assertThat(model.warnings()).anyMatch(w -> w.contains("data/constants/model.pt") && w.contains("both"));
    }

    @Test
    void anExportArchiveOfTheFormatBeforePt2IsRefusedByName() throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("serialized_exported_program.json", "{}".getBytes(StandardCharsets.UTF_8));
        records.put("serialized_state_dict.pt", new byte[8]);
        records.put("version", "1".getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("format before the PT2 archive", "serialized_exported_program.json");
    }

    @Test
    void anAotInductorPackageIsRefusedByName() throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("pkg/data/aotinductor/model/model.so", new byte[8]);
        records.put("pkg/archive_format", "pt2".getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("AOTInductor package");
    }

    @Test
    void aPickledPayloadIsScannedForWhatTorchLoadWouldRun() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/constants/model_constants_config.json";
        String text = new String(records.get(config), StandardCharsets.UTF_8);
        records.put(config, text.replaceFirst("\\{\"config\": \\{", "{\"config\": {\"obj\": {\"path_name\": "
                + "\"custom_obj_0\", \"is_param\": false, \"use_pickle\": true, \"tensor_meta\": null}, ")
                .getBytes(StandardCharsets.UTF_8));
        records.put("net/data/constants/custom_obj_0", PickleBuilder.protocol(2).global("posix", "system")
                .str("true").op(0x85).reduce().stop().build());

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.details().pickle().named(PickleScan.Verdict.DANGEROUS)).contains("posix.system");
        assertThat(model.tensors()).hasSize(13);
        assertThat(model.details().facts()).anyMatch(f -> f.label().equals("custom objects"));
        assertThat(model.warnings()).anyMatch(w -> w.contains("not a tensor") && w.contains("'obj'"));
    }

    @Test
    void aViewPastItsRecordIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        records.put("net/data/weights/weight_1", new byte[8]); // conv.bias: 4 floats

        assertThat(error(write(records))).contains("'conv.bias'", "reaches byte 16", "holds 8 bytes");
    }

    @Test
    void aPathNameOutsideItsFolderIsRefused() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        records.put(config, new String(records.get(config), StandardCharsets.UTF_8)
                .replace("\"weight_1\"", "\"../weight_1\"").getBytes(StandardCharsets.UTF_8));

        assertThat(error(write(records))).contains("'conv.bias'", "no plain path_name");
    }

    @Test
    void aSecondNameForTheSameViewIsAnAlias() throws IOException {
        Map<String, byte[]> records = records();
        String config = "net/data/weights/model_weights_config.json";
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode all =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(records.get(config)).get("config");
        com.fasterxml.jackson.databind.node.ObjectNode tied = json.createObjectNode();
        all.fields().forEachRemaining(e -> {
            tied.set(e.getKey(), e.getValue());
            if (e.getKey().equals("conv.weight")) {
                tied.set("head.weight", e.getValue()); // as a tied module's weight appears in state_dict
            }
        });
        records.put(config, json.writeValueAsBytes(json.createObjectNode().set("config", tied)));

        Model model = new Pt2Reader().read(write(records), ChannelOpener.FILES);

        assertThat(model.tensors()).hasSize(14);
        assertThat(model.tensors()).filteredOn(t -> t.aliasOf() != null)
                .extracting(TensorEntry::name, TensorEntry::aliasOf).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("head.weight", "conv.weight"));
    }

    private static Map<String, byte[]> records() throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(Resources.path(NET).toFile())) {
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

    private Path write(Map<String, byte[]> records) throws IOException {
        ZipBuilder zip = new ZipBuilder();
        records.forEach(zip::add);
        Path file = dir.resolve("archive.pt2");
        Files.write(file, zip.build());
        return file;
    }

    private static String error(Path file) {
        try {
            WeightReaders.standard().read(file);
        } catch (FormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a FormatException");
    }
}
