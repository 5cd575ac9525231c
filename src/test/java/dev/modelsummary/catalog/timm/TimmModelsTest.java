package dev.modelsummary.catalog.timm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The timm builders beyond the golden files: every one builds and counts what timm publishes for it, and the
 * keyword arguments change the tensors as in timm.
 */
class TimmModelsTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Model build(String name, Map<String, String> args) {
        return CATALOG.build(name, args).orElseThrow(() -> new AssertionError("no built-in " + name));
    }

    private static long total(Model model) {
        return model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
    }

    private static Optional<TensorEntry> tensor(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    @Test
    void everyTimmBuilderIsListedUnderTimm() {
        List<String> names = CATALOG.builders().stream().filter(b -> b.source().equals("timm"))
                .map(Builder::name).collect(Collectors.toList());
        assertThat(names).containsExactly("timm/efficientnet_b0", "timm/efficientnet_b1", "timm/efficientnet_b2",
                "timm/efficientnet_b3", "timm/efficientnet_b4", "timm/efficientnet_b5", "timm/efficientnetv2_rw_t",
                "timm/mobilenetv2_050", "timm/mobilenetv2_100", "timm/mobilenetv2_110d", "timm/mobilenetv2_120d",
                "timm/mobilenetv2_140", "timm/mobilenetv3_large_100", "timm/mobilenetv3_rw",
                "timm/mobilenetv3_small_050", "timm/mobilenetv3_small_075", "timm/mobilenetv3_small_100");
    }

    /** timm 0.9.7's {@code results/results-imagenet.csv}: {@code param_count} in millions, two decimals. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "efficientnet_b0, 5.29", "efficientnet_b1, 7.79", "efficientnet_b2, 9.11", "efficientnet_b3, 12.23",
        "efficientnet_b4, 19.34", "efficientnet_b5, 30.39", "efficientnetv2_rw_t, 13.65",
        "mobilenetv2_050, 1.97", "mobilenetv2_100, 3.50", "mobilenetv2_110d, 4.52", "mobilenetv2_120d, 5.83",
        "mobilenetv2_140, 6.11", "mobilenetv3_large_100, 5.48", "mobilenetv3_rw, 5.48",
        "mobilenetv3_small_050, 1.59", "mobilenetv3_small_075, 2.04", "mobilenetv3_small_100, 2.54",
    })
    void countsThePublishedParameterCount(String name, double millions) {
        Model model = build("timm/" + name, Map.of());
        assertThat(model.name()).isEqualTo("timm-" + name);
        assertThat(Math.round(total(model) / 1e4) / 100.0).isEqualTo(millions);
    }

    @Test
    void numClassesSizesTheClassifierAndZeroRemovesIt() {
        Model ten = build("timm/efficientnet_b0", Map.of("num_classes", "10"));
        assertThat(tensor(ten, "classifier.weight").orElseThrow().shape().dims()).containsExactly(10, 1280);
        Model none = build("timm/efficientnet_b0", Map.of("num_classes", "0"));
        assertThat(none.tensors()).noneMatch(t -> t.name().startsWith("classifier."));
        assertThat(total(none)).isEqualTo(total(ten) - 10 * 1280 - 10);

        Model small = build("timm/mobilenetv3_small_100", Map.of("num_classes", "0"));
        assertThat(small.tensors()).noneMatch(t -> t.name().startsWith("classifier."));
        assertThat(tensor(small, "conv_head.bias")).isPresent(); // the efficient head stays
    }

    @Test
    void inChansSizesTheStem() {
        Model gray = build("timm/mobilenetv2_100", Map.of("in_chans", "1"));
        assertThat(tensor(gray, "conv_stem.weight").orElseThrow().shape().dims()).containsExactly(32, 1, 3, 3);
    }

    @Test
    void catAvgMaxPoolingDoublesWhatFollowsThePool() {
        Model effnet = build("timm/efficientnet_b0", Map.of("global_pool", "catavgmax"));
        assertThat(tensor(effnet, "classifier.weight").orElseThrow().shape().dims()).containsExactly(1000, 2560);
        Model mnv3 = build("timm/mobilenetv3_large_100", Map.of("global_pool", "catavgmax"));
        assertThat(tensor(mnv3, "conv_head.weight").orElseThrow().shape().dims()).containsExactly(1280, 1920, 1, 1);
    }

    @Test
    void noPoolingIsRefusedWithAClassifier() {
        assertThatThrownBy(() -> build("timm/efficientnet_b0", Map.of("global_pool", "")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("Pooling can only be disabled if classifier is also removed");
        Model features = build("timm/efficientnet_b0", Map.of("global_pool", "", "num_classes", "0"));
        assertThat(features.tensors()).noneMatch(t -> t.name().startsWith("classifier."));
    }

    @Test
    void mobilenetV3RwHasNoHeadBiasAndRoundsSqueezeExciteByPythonRound() {
        Model rw = build("timm/mobilenetv3_rw", Map.of());
        assertThat(tensor(rw, "conv_head.bias")).isEmpty();
        // 72 * 0.25 = 18 with round(), where round_channels would give 24 (mobilenetv3_large_100)
        assertThat(tensor(rw, "blocks.2.0.se.conv_reduce.weight").orElseThrow().shape().dims())
                .containsExactly(18, 72, 1, 1);
        Model large = build("timm/mobilenetv3_large_100", Map.of());
        assertThat(tensor(large, "blocks.2.0.se.conv_reduce.weight").orElseThrow().shape().dims())
                .containsExactly(24, 72, 1, 1);
    }

    @Test
    void depthMultiplierAddsBlocksButFixesTheFirstAndLastStagesOfMobilenetV2d() {
        // mobilenetv2_120d: depth 1.4 with fix_stem_head: stage 0 and 6 keep one block, stage 3 gets ceil(4 * 1.4)
        Model model = build("timm/mobilenetv2_120d", Map.of());
        assertThat(tensor(model, "blocks.0.1.conv_dw.weight")).isEmpty();
        assertThat(tensor(model, "blocks.3.5.conv_pw.weight")).isPresent();
        assertThat(tensor(model, "blocks.3.6.conv_pw.weight")).isEmpty();
        assertThat(tensor(model, "blocks.6.1.conv_pw.weight")).isEmpty();
        assertThat(tensor(model, "conv_stem.weight").orElseThrow().shape().dims()).containsExactly(32, 3, 3, 3);
    }

    @Test
    void undeclaredArgumentsAreRefused() {
        assertThatThrownBy(() -> build("timm/efficientnet_b0", Map.of("channel_multiplier", "2")))
                .isInstanceOf(ArgumentException.class);
    }
}
