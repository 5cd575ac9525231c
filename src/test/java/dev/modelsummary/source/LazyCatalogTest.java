package dev.modelsummary.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.format.WeightReaders;
import dev.modelsummary.model.Model;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The catalog (hundreds of classes) is built only when a name needs it, and then once. */
class LazyCatalogTest {
    private static final Path PTH = Path.of("src/test/resources/fixtures/pytorch/tied.pth");
    private static final Path SAFETENSORS = Path.of("src/test/resources/fixtures/safetensors/tiny_model.safetensors");

    private final AtomicInteger builds = new AtomicInteger();
    private final Supplier<Catalog> counting = () -> {
        builds.incrementAndGet();
        return Catalog.standard();
    };

    @Test
    void readingFilesNeverBuildsTheCatalog() throws Exception {
        ModelLoader loader = ModelLoader.lazy(counting, WeightReaders.standard());

        assertThat(loader.isBuiltin(PTH.toString())).isFalse();
        Model pth = loader.load(PTH.toString(), Map.of());
        Model safetensors = loader.load(SAFETENSORS.toString(), Map.of());

        assertThat(pth.tensors()).isNotEmpty();
        assertThat(safetensors.tensors()).isNotEmpty();
        assertThat(builds).hasValue(0);
    }

    @Test
    void aNameBuildsTheCatalogOnce() throws Exception {
        ModelLoader loader = ModelLoader.lazy(counting, WeightReaders.standard());

        assertThat(loader.isBuiltin("resnet18")).isTrue();
        assertThat(loader.load("resnet18", Map.of()).tensors()).isNotEmpty();
        assertThat(loader.catalog().contains("vit_l_16")).isTrue();

        assertThat(builds).hasValue(1);
    }
}
