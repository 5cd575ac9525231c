package dev.modelsummary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.report.MarkdownReport;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.testutil.GroundTruth;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each built-in torchvision builder lists exactly what PyTorch lists for the real model: with default
 * arguments for all 118 builders (the shared ground truth), and with keyword arguments for the builds in
 * {@code torchvision-0.14.1/args/} (made by {@code tools/dump_torchvision.py}).
 *
 * <p>{@code -Dgroundtruth=REGEX} runs only the cases whose file name matches, while porting a family;
 * {@code -Dgroundtruth.extra=DIR} adds every JSON file of a folder made by {@code tools/dump_torchvision.py}
 * (a broad sweep of arguments that need not be committed).
 */
class TorchvisionGroundTruthTest {
    private static final Path DEFAULTS = Resources.path("torchvision-0.14.1");
    private static final Catalog CATALOG = Catalog.standard();

    static Stream<Arguments> cases() {
        Pattern only = Pattern.compile(System.getProperty("groundtruth", ".*"));
        String extra = System.getProperty("groundtruth.extra");
        Stream<Path> extraFiles = extra == null ? Stream.empty() : files(Path.of(extra));
        return Stream.concat(Stream.concat(files(DEFAULTS), files(DEFAULTS.resolve("args"))), extraFiles)
                .filter(f -> only.matcher(stem(f)).find())
                .map(f -> Arguments.of(stem(f), f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builderMatchesPyTorch(String name, Path file) {
        GroundTruth truth = GroundTruth.read(file);
        Model model = CATALOG.build(truth.model(), truth.kwargs())
                .orElseThrow(() -> new AssertionError("no builder " + truth.model()));

        assertThat(entries(model, Role.PARAMETER)).containsExactlyElementsOf(truth.parameters());
        assertThat(entries(model, Role.BUFFER)).containsExactlyElementsOf(truth.buffers());
        assertThat(model.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(truth.stateDictKeys());
        // The page is computed from the model's own parameter list, so it is the one PyTorch's list gives.
        assertThat(MarkdownReport.render(Summary.of(model)))
                .isEqualTo(MarkdownReport.render(Summary.of(modelOf(truth))));
    }

    @Test
    void theCatalogHoldsEveryTorchvisionBuilder() {
        List<String> names = files(DEFAULTS).map(TorchvisionGroundTruthTest::stem).sorted()
                .collect(Collectors.toList());

        assertThat(names).hasSize(118);
        assertThat(CATALOG.names()).containsAll(names);
    }

    private static List<GroundTruth.Entry> entries(Model model, Role role) {
        return model.tensors().stream()
                .filter(t -> t.role() == role)
                .map(t -> new GroundTruth.Entry(t.name(),
                        Arrays.stream(t.shape().dims()).boxed().collect(Collectors.toList()),
                        t.dtype().torchName(), t.trainable()))
                .collect(Collectors.toList());
    }

    /** The model PyTorch's listing describes, in state_dict order. */
    private static Model modelOf(GroundTruth truth) {
        Map<String, TensorEntry> byName = new HashMap<>();
        truth.parameters().forEach(p -> byName.put(p.name(), TensorEntry.parameter(p.name(), shape(p),
                DType.byTorchName(p.dtype()).orElseThrow(), p.requiresGrad())));
        truth.buffers().forEach(b -> byName.put(b.name(), TensorEntry.buffer(b.name(), shape(b),
                DType.byTorchName(b.dtype()).orElseThrow())));
        List<TensorEntry> tensors = new ArrayList<>();
        truth.stateDictKeys().forEach(k -> tensors.add(byName.get(k)));
        return new Model(truth.model(), "builtin", truth.model(), tensors, List.of());
    }

    private static Shape shape(GroundTruth.Entry entry) {
        return Shape.of(entry.shape().stream().mapToLong(Long::longValue).toArray());
    }

    private static Stream<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Stream.empty();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }
}
