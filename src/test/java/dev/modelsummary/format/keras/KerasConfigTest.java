package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The streamed layer list of a Keras model config. */
class KerasConfigTest {
    private static KerasConfig.Parsed parse(String json) throws IOException {
        return KerasConfig.read(json, "config");
    }

    @Test
    void layersAtAnyDepthWithTheirClassAndFlags() throws IOException {
        KerasConfig.Parsed parsed = parse("""
                {"class_name": "Sequential", "config": {"name": "seq", "layers": [
                  {"class_name": "Dense", "config": {"units": 3, "name": "d", "trainable": true,
                    "dtype": {"class_name": "DTypePolicy", "config": {"name": "float32"}}}},
                  {"config": {"name": "bn", "center": false}, "class_name": "BatchNormalization"}
                ]}}""");
        assertThat(parsed.rootClass()).isEqualTo("Sequential");
        assertThat(parsed.layers()).containsKeys("seq", "d", "bn");
        assertThat(parsed.layers().get("bn")).isEqualTo(
                new KerasConfig.Layer("BatchNormalization", "bn", true, false, true));
        assertThat(parsed.layers().get("d").className()).isEqualTo("Dense");
    }

    @Test
    void aFrozenModelFreezesEveryLayerInsideIt() throws IOException {
        // "trainable" after "layers": the stream learns it only when the model's config closes
        KerasConfig.Parsed parsed = parse("""
                {"class_name": "Functional", "config": {"name": "outer", "layers": [
                  {"class_name": "Functional", "config": {"name": "base", "layers": [
                    {"class_name": "Conv2D", "config": {"name": "conv", "trainable": true}}],
                   "trainable": false}},
                  {"class_name": "Dense", "config": {"name": "head"}}]}}""");
        assertThat(parsed.layers().get("conv").trainable()).isFalse();
        assertThat(parsed.layers().get("base").trainable()).isFalse();
        assertThat(parsed.layers().get("head").trainable()).isTrue();
        assertThat(parsed.layers().get("outer").trainable()).isTrue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aConfigOfMillionsOfEmptyObjectsIsStreamedNotKept() throws IOException {
        byte[] head = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [".getBytes(
                StandardCharsets.UTF_8);
        byte[] block = "{},".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
        byte[] tail = "{}]}}".getBytes(StandardCharsets.UTF_8);
        // 48 MiB streamed from one 192 KiB block: nothing near that is held
        Stream<InputStream> parts = Stream.concat(Stream.concat(Stream.of(new ByteArrayInputStream(head)),
                Stream.generate(() -> new ByteArrayInputStream(block)).limit(256)),
                Stream.of(new ByteArrayInputStream(tail)));
        KerasConfig.Parsed parsed = KerasConfig.read(new SequenceInputStream(Collections.enumeration(
                parts.toList())), "config");
        assertThat(parsed.layers()).containsOnlyKeys("s");
    }

    @Test
    void theLayerCountIsBoundedByHdf5Groups() {
        String json = "[" + "{\"class_name\": \"D\", \"config\": {\"name\": \"x\"}},".repeat(5) + "{}]";
        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.HDF5_GROUPS, 3).using(() -> parse(json)))
                .isInstanceOf(FormatException.class)
                .hasMessage("config declares more than 3 layers (raise with --limit hdf5-groups=N).");
    }
}
