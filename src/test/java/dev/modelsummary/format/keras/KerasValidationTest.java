package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.Resources;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Byte-built archives and damaged HDF5 bytes: each rule's exact message, and sniffing. */
class KerasValidationTest {
    private static final byte[] WEIGHTS = Resources.bytes("fixtures/keras/keras3.weights.h5");
    private final KerasReader reader = new KerasReader();

    private Model read(byte[] bytes) throws IOException {
        return reader.read(Path.of("model.keras"), new MemoryOpener(bytes));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anArchiveWithoutModelWeightsH5IsRefused() {
        byte[] zip = new ZipBuilder().add("metadata.json", utf8("{}")).add("config.json", utf8("{}")).build();
        assertThatThrownBy(() -> read(zip)).isInstanceOf(FormatException.class)
                .hasMessage("Keras archive holds no 'model.weights.h5' (sharded weights are not read).");
    }

    @Test
    void npzWeightsAreRefused() {
        byte[] zip = new ZipBuilder().add("metadata.json", utf8("{}")).add("model.weights.npz", new byte[10]).build();
        assertThatThrownBy(() -> read(zip)).isInstanceOf(FormatException.class)
                .hasMessage("Keras archive holds its weights as 'model.weights.npz', which this reader does not read.");
    }

    @Test
    void aCompressedWeightsMemberIsRefused() {
        byte[] zip = new ZipBuilder().add("model.weights.h5", WEIGHTS).method(8).build();
        assertThatThrownBy(() -> read(zip)).isInstanceOf(FormatException.class)
                .hasMessage("Keras archive's 'model.weights.h5' is compressed (method 8); only a STORED one "
                        + "(Keras's default) can be read header-only.");
    }

    @Test
    void configJsonMustBeJson() {
        byte[] zip = new ZipBuilder().add("config.json", utf8("{not json")).add("model.weights.h5", WEIGHTS).build();
        assertThatThrownBy(() -> read(zip)).isInstanceOf(FormatException.class)
                .hasMessage("Keras archive's 'config.json' is not valid JSON.");
    }

    @Test
    void anArchiveWithoutConfigReadsLikeAWeightsFile() throws IOException {
        byte[] zip = new ZipBuilder().add("metadata.json", utf8("{}")).add("model.weights.h5", WEIGHTS).build();
        assertThat(read(zip).tensors()).hasSize(9);
    }

    @Test
    void aWeightsMemberThatIsNotHdf5IsRefused() {
        byte[] zip = new ZipBuilder().add("model.weights.h5", utf8("not hdf5 at all")).build();
        assertThatThrownBy(() -> read(zip)).isInstanceOf(FormatException.class)
                .hasMessage("Not a readable HDF5 file: 'No valid HDF5 signature found'.");
    }

    @Test
    void aTruncatedHdf5FileIsRefused() {
        byte[] cut = Arrays.copyOf(WEIGHTS, 1500);
        assertThatThrownBy(() -> reader.read(Path.of("m.weights.h5"), new MemoryOpener(cut)))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("Not a readable HDF5 file: ");
    }

    @Test
    void jhdfReadsOnlyInsideTheMembersWindow() throws IOException {
        // The same HDF5 bytes, stored after another member: every address is relative to the member.
        byte[] zip = new ZipBuilder().add("metadata.json", utf8("{\"keras_version\": \"3.5.0\"}"))
                .add("model.weights.h5", WEIGHTS).add("assets/x", new byte[100]).build();
        assertThat(read(zip).tensors()).hasSize(9);
    }

    @Test
    void theTensorsLimitBoundsTheDatasets() {
        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.TENSORS, 3).using(
                () -> reader.read(Path.of("m.weights.h5"), new MemoryOpener(WEIGHTS))))
                .isInstanceOf(FormatException.class).hasMessage("HDF5 file holds more than '3' datasets, the limit (raise with --limit tensors=N).");
    }

    @Test
    void sniffingKnowsHdf5AndKeras3ArchivesButNotOtherZips() {
        assertThat(reader.sniff(Arrays.copyOf(WEIGHTS, 512), WEIGHTS.length)).isTrue();
        byte[] keras = new ZipBuilder().add("metadata.json", utf8("{}")).build();
        assertThat(reader.sniff(keras, keras.length)).isTrue();
        byte[] torch = new ZipBuilder().add("archive/data.pkl", new byte[4]).build();
        assertThat(reader.sniff(torch, torch.length)).isFalse();
        assertThat(reader.sniff(new byte[3], 3)).isFalse();
        assertThat(reader.extensions()).contains(".keras", ".h5");
    }
}
