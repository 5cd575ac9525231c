package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.ConfigArgumentException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The t5, resnet, mobilenet_v1 and mobilenet_v2 families: bundled checkpoints, config overrides, refusals. */
class T5ResNetMobileNetTest {
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

    private static List<Long> shape(Model model, String name) {
        TensorEntry t = tensor(model, name).orElseThrow(() -> new AssertionError("no tensor " + name));
        return java.util.Arrays.stream(t.shape().dims()).boxed().collect(Collectors.toList());
    }

    private static long count(Model model, String regex) {
        return model.tensors().stream().filter(t -> t.name().matches(regex)).count();
    }

    /**
     * Every bundled checkpoint of these families builds with its default class, in milliseconds. The totals
     * are the counts of the same architectures in torchvision (ResNets) and of T5's published sizes.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "t5-small, 60506624", "t5-base, 222903552", "t5-large, 737668096", "t5-3b, 2851598336",
            "t5-11b, 11307321344",
            "microsoft/resnet-18, 11689512", "microsoft/resnet-34, 21797672", "microsoft/resnet-50, 25557032",
            "microsoft/resnet-101, 44549160", "microsoft/resnet-152, 60192808", "microsoft/resnet-26, -1",
            "default-mobilenet_v1, 3206976", "default-mobilenet_v2, 2223872"})
    void bundledCheckpointsBuild(String hubId, long expected) {
        long start = System.nanoTime();
        Model model = build(hubId, Map.of());
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
        if (expected > 0) {
            assertThat(total(model)).isEqualTo(expected);
        } else {
            assertThat(total(model)).isPositive();
        }
    }

    @Test
    void defaultClassesAndTasks() {
        assertThat(CATALOG.builder("t5-small").orElseThrow().task()).isEqualTo(Task.TEXT2TEXT_GENERATION);
        assertThat(CATALOG.builder("microsoft/resnet-50").orElseThrow().task()).isEqualTo(Task.IMAGE_CLASSIFICATION);
        // MobileNetV1Config() has no architectures: the base model is the default, the classifier on request
        assertThat(CATALOG.builder("default-mobilenet_v1").orElseThrow().task())
                .isEqualTo(Task.IMAGE_FEATURE_EXTRACTION);
        Model classifier = build("default-mobilenet_v1", Map.of("architecture", "MobileNetV1ForImageClassification"));
        assertThat(total(classifier)).isEqualTo(3209026); // the library's 2 default labels
        assertThat(shape(classifier, "classifier.weight")).containsExactly(2L, 1024L);
    }

    @Test
    void t5TiesSharedEmbeddingsAndLmHead() {
        Model model = build("t5-small", Map.of());
        assertThat(tensor(model, "encoder.embed_tokens.weight").orElseThrow().aliasOf()).isEqualTo("shared.weight");
        assertThat(tensor(model, "decoder.embed_tokens.weight").orElseThrow().aliasOf()).isEqualTo("shared.weight");
        assertThat(tensor(model, "lm_head.weight").orElseThrow().aliasOf()).isEqualTo("shared.weight");
        assertThat(count(model, ".*relative_attention_bias.*")).isEqualTo(2);

        Model untied = build("t5-small", Map.of("tie_word_embeddings", "false"));
        assertThat(tensor(untied, "lm_head.weight").orElseThrow().aliasOf()).isNull();
        assertThat(total(untied)).isEqualTo(60506624L + 32128L * 512);
    }

    @Test
    void t5LayerCountsFollowTheConfigAndItsAliases() {
        Model two = build("t5-small", Map.of("num_layers", "2"));
        assertThat(count(two, "encoder\\.block\\.\\d+\\.layer\\.0\\.SelfAttention\\.q\\.weight")).isEqualTo(2);
        assertThat(count(two, "decoder\\.block\\.\\d+\\.layer\\.0\\.SelfAttention\\.q\\.weight")).isEqualTo(2);
        // num_hidden_layers is an alias set after num_decoder_layers was derived: the decoder keeps 6
        Model alias = build("t5-small", Map.of("num_hidden_layers", "2"));
        assertThat(count(alias, "encoder\\.block\\.\\d+\\.layer\\.0\\.SelfAttention\\.q\\.weight")).isEqualTo(2);
        assertThat(count(alias, "decoder\\.block\\.\\d+\\.layer\\.0\\.SelfAttention\\.q\\.weight")).isEqualTo(6);
        Model decoder = build("t5-small", Map.of("num_decoder_layers", "3"));
        assertThat(count(decoder, "decoder\\.block\\.\\d+\\.layer\\.2\\.layer_norm\\.weight")).isEqualTo(3);
    }

    @Test
    void t5GatedFeedForwardAndRefusals() {
        Model gated = build("t5-small", Map.of("feed_forward_proj", "gated-gelu"));
        assertThat(shape(gated, "encoder.block.0.layer.1.DenseReluDense.wi_0.weight")).containsExactly(2048L, 512L);
        assertThat(shape(gated, "encoder.block.0.layer.1.DenseReluDense.wi_1.weight")).containsExactly(2048L, 512L);
        assertThat(tensor(gated, "encoder.block.0.layer.1.DenseReluDense.wi.weight")).isEmpty();

        assertThatThrownBy(() -> build("t5-small", Map.of("feed_forward_proj", "fast-gelu")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("`feed_forward_proj`: fast-gelu is not a valid activation function of the dense "
                        + "layer. Please make sure `feed_forward_proj` is of the format `gated-{ACT_FN}` or "
                        + "`{ACT_FN}`, e.g. 'gated-gelu' or 'relu'");
        assertThatThrownBy(() -> build("t5-small", Map.of("dropout_rate", "1.5")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("dropout probability has to be between 0 and 1, but got 1.5");
    }

    @Test
    void t5KeepsWoInFloat32WhenLoadedInFloat16() {
        Model half = build("t5-small", Map.of("torch_dtype", "float16"));
        for (TensorEntry t : half.tensors()) {
            boolean wo = List.of(t.name().split("\\.")).contains("wo");
            assertThat(t.dtype()).as(t.name()).isEqualTo(wo ? DType.FLOAT32 : DType.FLOAT16);
        }
        assertThat(count(half, ".*\\.wo\\.weight")).isEqualTo(12);
        // only float16 keeps them: bfloat16 casts everything
        Model bf16 = build("t5-small", Map.of("torch_dtype", "bfloat16"));
        assertThat(bf16.tensors()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DType.BFLOAT16));
    }

    @Test
    void t5Heads() {
        Model encoder = build("t5-small", Map.of("architecture", "T5EncoderModel"));
        assertThat(tensor(encoder, "decoder.final_layer_norm.weight")).isEmpty();
        assertThat(total(encoder)).isEqualTo(16449536L + 18881280L);
        Model tokens = build("t5-small", Map.of("architecture", "T5ForTokenClassification", "num_labels", "5"));
        assertThat(shape(tokens, "classifier.weight")).containsExactly(5L, 512L);
        assertThat(tensor(tokens, "transformer.encoder.embed_tokens.weight").orElseThrow().aliasOf())
                .isEqualTo("transformer.shared.weight");
        Model qa = build("t5-small", Map.of("architecture", "T5ForQuestionAnswering"));
        assertThat(shape(qa, "qa_outputs.weight")).containsExactly(2L, 512L);
        assertThat(tensor(qa, "lm_head.weight")).isEmpty();
    }

    @Test
    void resNetOverridesAndRefusals() {
        Model base = build("microsoft/resnet-50", Map.of("architecture", "ResNetModel"));
        assertThat(total(base)).isEqualTo(25557032L - 2048 * 1000 - 1000);
        assertThat(tensor(base, "embedder.embedder.normalization.num_batches_tracked").orElseThrow().dtype())
                .isEqualTo(DType.INT64);
        Model ten = build("microsoft/resnet-18", Map.of("num_labels", "10"));
        assertThat(shape(ten, "classifier.1.weight")).containsExactly(10L, 512L);
        // resnet-18's first stage keeps 64 channels at stride 1: no shortcut; downsampling in it adds one
        assertThat(tensor(ten, "resnet.encoder.stages.0.layers.0.shortcut.convolution.weight")).isEmpty();
        Model down = build("microsoft/resnet-18", Map.of("downsample_in_first_stage", "true"));
        assertThat(shape(down, "resnet.encoder.stages.0.layers.0.shortcut.convolution.weight"))
                .containsExactly(64L, 64L, 1L, 1L);
        Model wide = build("microsoft/resnet-18", Map.of("embedding_size", "32"));
        assertThat(shape(wide, "resnet.embedder.embedder.convolution.weight")).containsExactly(32L, 3L, 7L, 7L);

        assertThatThrownBy(() -> build("microsoft/resnet-18", Map.of("layer_type", "preactivation")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("layer_type=preactivation is not one of basic,bottleneck");
    }

    @Test
    void mobileNetOverridesAndRefusals() {
        Model half = build("default-mobilenet_v1", Map.of("depth_multiplier", "0.5"));
        assertThat(shape(half, "conv_stem.convolution.weight")).containsExactly(16L, 3L, 3L, 3L);
        assertThat(shape(half, "layer.25.convolution.weight")).containsExactly(512L, 512L, 1L, 1L);
        assertThat(shape(half, "layer.0.convolution.weight")).containsExactly(16L, 1L, 3L, 3L);
        assertThatThrownBy(() -> build("default-mobilenet_v1", Map.of("depth_multiplier", "0")))
                .isInstanceOf(ConfigArgumentException.class).hasMessage("depth_multiplier must be greater than zero.");

        // make_divisible: 0.35 x 32 = 11.2 -> 16; the 1280 output stays (finegrained_output)
        Model small = build("default-mobilenet_v2", Map.of("depth_multiplier", "0.35"));
        assertThat(shape(small, "conv_stem.first_conv.convolution.weight")).containsExactly(16L, 3L, 3L, 3L);
        assertThat(shape(small, "conv_1x1.convolution.weight")).containsExactly(1280L, 112L, 1L, 1L);
        Model expanded = build("default-mobilenet_v2", Map.of("first_layer_is_expansion", "false"));
        assertThat(shape(expanded, "conv_stem.expand_1x1.convolution.weight")).containsExactly(32L, 32L, 1L, 1L);
        Model classifier = build("default-mobilenet_v2", Map.of("architecture",
                "MobileNetV2ForImageClassification", "num_labels", "1001"));
        assertThat(total(classifier)).isEqualTo(2223872L + 1280 * 1001 + 1001);
        Model segmentation = build("default-mobilenet_v2", Map.of("architecture",
                "MobileNetV2ForSemanticSegmentation"));
        assertThat(shape(segmentation, "segmentation_head.classifier.convolution.weight"))
                .containsExactly(2L, 256L, 1L, 1L);
        assertThat(tensor(segmentation, "segmentation_head.classifier.convolution.bias")).isPresent();
        assertThatThrownBy(() -> build("default-mobilenet_v2", Map.of("classifier_dropout_prob", "1.5",
                "architecture", "MobileNetV2ForImageClassification")))
                .isInstanceOf(ConfigArgumentException.class)
                .hasMessage("dropout probability has to be between 0 and 1, but got 1.5");
    }
}
