package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.model.Model;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Header facts from what the Keras reader reads anyway. Values are what tools/fixtures/make_keras_fixtures.py
 * writes: tf.keras's root attributes in legacy files, Keras 3's metadata.json and config.json in archives.
 */
class KerasFactsTest {
    private static Model read(String fixture) throws IOException {
        return new KerasReader().read(Resources.path("fixtures/keras/" + fixture), ChannelOpener.FILES);
    }

    @Test
    void aKeras3ArchiveGivesItsKerasVersionAndModelClass() throws IOException {
        assertThat(read("keras3.keras").details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("Keras version: 3.5.0", "model class: Sequential");
    }

    @Test
    void aLegacyFileGivesItsKerasVersionAndBackend() throws IOException {
        assertThat(read("legacy_full.h5").details().facts()).extracting(f -> f.label() + ": " + f.value())
                .containsExactly("Keras version: 2.15.0", "backend: tensorflow");
    }

    @Test
    void aKeras3WeightsFileSaysNothingOfItself() throws IOException {
        assertThat(read("keras3.weights.h5").details().facts()).isEmpty();
    }
}
