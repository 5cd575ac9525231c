package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.safetensors.SafetensorsReader;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.GoldenListing;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code save_pretrained} folders written by transformers 4.57.6 and 5.18.0 (tools/fixtures/hf17/
 * make_config_versions.py): rope_scaling and rope_parameters of every type, dtype and torch_dtype (and both),
 * explicit and null head_dim, layer_types. Each config lists what the library that wrote it built from it
 * (expected.json beside it; expected-4.57.json where 5.x builds another module tree), with no warning; a folder of config beside the model's safetensors lists the same
 * tensors from either file.
 */
class HfConfigVersionsTest {
    private static final String DIR = "fixtures/hf-configs-versions";

    static Stream<String> cases() throws IOException {
        try (Stream<Path> versions = Files.list(Resources.path(DIR))) {
            return versions.flatMap(HfConfigVersionsTest::folders)
                    .filter(p -> Files.exists(p.resolve("expected.json")))
                    .map(p -> p.getParent().getFileName() + "/" + p.getFileName()).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }

    static Stream<String> withWeights() throws IOException {
        try (Stream<Path> versions = Files.list(Resources.path(DIR))) {
            return versions.flatMap(HfConfigVersionsTest::folders)
                    .filter(p -> Files.exists(p.resolve("model.safetensors")))
                    .map(p -> p.getParent().getFileName() + "/" + p.getFileName()).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }

    private static Stream<Path> folders(Path version) {
        try (Stream<Path> list = Files.list(version)) {
            return list.collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Model fromConfig(Path folder) throws IOException {
        HfConfig config = HfConfig.parse(Files.readAllBytes(folder.resolve("config.json")));
        Builder builder = HfModels.builder(folder.getFileName().toString(), config);
        return Catalog.build(builder, Kwargs.parse(builder.name(), builder.args(), Map.of(), true));
    }

    /** Warnings a folder's listing must carry (none: every shape key of these configs is understood). */
    private static final Map<String, List<String>> KNOWN_WARNINGS = Map.of();

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void listsWhatTheWritingLibraryBuilds(String name) throws IOException {
        Path folder = Resources.path(DIR + "/" + name);
        Model model = fromConfig(folder);
        // a 5.x folder whose 5.x module tree differs from 4.x's (GPT-NeoX's lm_head, Mixtral's fused experts)
        // carries 4.57.6's listing of the same config, the tree model-summary builds
        Path expected = Files.exists(folder.resolve("expected-4.57.json")) ? folder.resolve("expected-4.57.json")
                : folder.resolve("expected.json");
        GoldenListing.assertMatches(model, GoldenListing.read(expected));
        assertThat(model.warnings()).containsExactlyElementsOf(KNOWN_WARNINGS.getOrDefault(
                folder.getFileName().toString(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withWeights")
    void configAndWeightsAgree(String name) throws IOException {
        Path folder = Resources.path(DIR + "/" + name);
        Model config = fromConfig(folder);
        assertThat(config.warnings()).isEmpty();
        // CASE-weights/ beside CASE/ with the library's listing; a -moe folder (5.x's renamed expert counts) has
        // only the weights, whose names and shapes the config's listing must give
        if (name.endsWith("-weights")) {
            GoldenListing.assertMatches(config, GoldenListing.read(Resources.path(DIR + "/"
                    + name.substring(0, name.length() - "-weights".length()) + "/expected.json")));
        }
        Model weights = new SafetensorsReader().read(folder.resolve("model.safetensors"), ChannelOpener.FILES);
        // save_pretrained writes state_dict() without tied copies; the config's listing names each tensor once
        assertThat(lines(weights.tensors())).containsExactlyInAnyOrderElementsOf(lines(config.tensors().stream()
                .filter(t -> t.aliasOf() == null).collect(Collectors.toList())));
    }

    private static List<String> lines(List<TensorEntry> tensors) {
        return tensors.stream().map(t -> t.name() + " " + t.shape() + " " + t.dtype().torchName())
                .collect(Collectors.toList());
    }
}
