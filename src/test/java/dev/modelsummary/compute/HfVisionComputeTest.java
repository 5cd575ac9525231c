package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.hf.transformers.MobileNetV1;
import dev.modelsummary.catalog.hf.transformers.MobileNetV2;
import dev.modelsummary.catalog.hf.transformers.ResNet;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forward on shapes of transformers 4.40.2's vision families ResNet, MobileNetV1 and MobileNetV2
 * (modeling_resnet.py, modeling_mobilenet_v1.py, modeling_mobilenet_v2.py) on {@code pixel_values}. Totals are
 * exact: ResNet-50 against torchvision's resnet50 (the same convolutions), the MobileNets against the closed forms
 * below and against tools/fixtures/compute/hf_vision_check.py (the forwards rebuilt in torch 1.13 with TF "SAME"
 * padding), which prints each number asserted here.
 */
class HfVisionComputeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static HfConfig config(String json) {
        return HfConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The config of a listing golden in hf-golden/transformers-4.40.2/. */
    private static HfConfig goldenConfig(String file) throws IOException {
        try (InputStream in = HfVisionComputeTest.class.getResourceAsStream("/hf-golden/transformers-4.40.2/"
                + file)) {
            JsonNode golden = MAPPER.readTree(in);
            return HfConfig.parse(MAPPER.writeValueAsBytes(golden.get("config")));
        }
    }

    private static List<String> calls(Trace trace) {
        return trace.calls().stream().map(c -> c.name() + " " + c.className()).toList();
    }

    private static Trace.Call call(Trace trace, String name) {
        return trace.calls().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Goldens made by tools/fixtures/compute/hf_vision_golden.py: the upstream modeling files' forward classes
     * (stored copy, excerpted) run on torch 1.13 with transformers' infrastructure stubbed; equal call by call.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "hf-resnet-ResNetForImageClassification-1x3x224x224.json", "hf-resnet-ResNetModel-2x3x64x48.json",
        "hf-mobilenet_v1-MobileNetV1ForImageClassification-2x3x225x199.json",
        "hf-mobilenet_v2-MobileNetV2ForImageClassification-1x3x224x224.json",
        "hf-mobilenet_v2-MobileNetV2ForSemanticSegmentation-1x3x257x257.json"})
    void matchesTheUpstreamForwardCallByCall(String file) throws IOException {
        JsonNode truth = GoldenTrace.read(file);
        HfConfig config = HfConfig.parse(MAPPER.writeValueAsBytes(truth.get("args")));
        HfFamily family = switch (truth.at("/args/model_type").asText()) {
            case "resnet" -> new ResNet();
            case "mobilenet_v1" -> new MobileNetV1();
            default -> new MobileNetV2();
        };
        Module model = family.build(config, truth.get("builder").asText());
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }

    // ResNet

    @Test
    void resnet50EqualsTorchvisionResnet50() throws IOException {
        HfConfig config = goldenConfig("microsoft-resnet-50.json");
        HfFamily family = new ResNet();
        Shape input = ResNet.defaultInput(config, 1);
        assertThat(input).isEqualTo(Shape.of(1, 3, 224, 224)).isEqualTo(family.imageInput(config, 1));

        Trace head = family.build(config, "ResNetForImageClassification").trace(input);
        // torchvision resnet50: 8,178,368,512 FLOPs (_ops 4.089); the same convolutions, fc 2048 -> 1000
        assertThat(head.totalFlops()).isEqualTo(8_178_368_512L);
        assertThat(head.calls().get(0).out()).containsExactly(Shape.of(1, 1000));
        assertThat(call(head, "resnet").out()).containsExactly(Shape.of(1, 2048, 7, 7), Shape.of(1, 2048, 1, 1));
        assertThat(calls(head)).startsWith(" ResNetForImageClassification", "resnet ResNetModel",
                "resnet.embedder ResNetEmbeddings", "resnet.embedder.embedder ResNetConvLayer",
                "resnet.embedder.embedder.convolution Conv2d", "resnet.embedder.embedder.normalization BatchNorm2d",
                "resnet.embedder.embedder.activation ReLU", "resnet.embedder.pooler MaxPool2d",
                "resnet.encoder ResNetEncoder", "resnet.encoder.stages.0 ResNetStage",
                "resnet.encoder.stages.0.layers.0 ResNetBottleNeckLayer",
                "resnet.encoder.stages.0.layers.0.layer Sequential",
                "resnet.encoder.stages.0.layers.0.layer.0 ResNetConvLayer",
                "resnet.encoder.stages.0.layers.0.layer.0.convolution Conv2d",
                "resnet.encoder.stages.0.layers.0.layer.0.normalization BatchNorm2d",
                "resnet.encoder.stages.0.layers.0.layer.0.activation ReLU")
                .contains("resnet.encoder.stages.0.layers.0.layer.2.activation Identity",
                        "resnet.encoder.stages.0.layers.0.shortcut ResNetShortCut",
                        "resnet.encoder.stages.0.layers.0.activation ReLU",
                        "resnet.encoder.stages.0.layers.1.shortcut Identity")
                .endsWith("resnet.pooler AdaptiveAvgPool2d", "classifier Sequential", "classifier.0 Flatten",
                        "classifier.1 Linear");
        assertThat(call(head, "resnet.embedder.pooler").out()).containsExactly(Shape.of(1, 64, 56, 56));
        // the stride sits on the bottleneck's 3x3, the shortcut's 1x1 strides too
        assertThat(call(head, "resnet.encoder.stages.1.layers.0.layer.1.convolution").out())
                .containsExactly(Shape.of(1, 128, 28, 28));
        assertThat(call(head, "resnet.encoder.stages.1.layers.0.shortcut").out())
                .containsExactly(Shape.of(1, 512, 28, 28));

        Trace base = family.build(config, "ResNetModel").trace(Shape.of(2, 3, 224, 224));
        assertThat(base.calls().get(0).out()).containsExactly(Shape.of(2, 2048, 7, 7), Shape.of(2, 2048, 1, 1));
        assertThat(base.totalFlops()).isEqualTo(2 * (8_178_368_512L - 2L * 2048 * 1000));
    }

    @Test
    void resnetBasicLayersAndNoLabels() {
        // basic layers, embedding 8, hidden_sizes [8, 16], depths [1, 2], num_labels 0 at 2x3x64x64
        HfConfig config = config("{\"model_type\": \"resnet\", \"layer_type\": \"basic\", \"embedding_size\": 8,"
                + " \"hidden_sizes\": [8, 16], \"depths\": [1, 2], \"hidden_act\": \"gelu\", \"num_labels\": 0}");
        Trace trace = new ResNet().build(config, "ResNetForImageClassification").trace(Shape.of(2, 3, 64, 64));
        long b = 2;
        long stem = 2 * b * 32 * 32 * 8 * 3 * 49;            // 7x7/2 to 32x32, then max pool to 16x16
        long stage0 = 2 * (2 * b * 16 * 16 * 8 * 8 * 9);     // one basic layer 8 -> 8, stride 1, no shortcut
        long stage1 = 2 * b * 8 * 8 * 16 * 8 * 9              // 3x3/2 8 -> 16
                + 2 * b * 8 * 8 * 16 * 16 * 9                 // 3x3 16 -> 16
                + 2 * b * 8 * 8 * 16 * 8                      // shortcut 1x1/2
                + 2 * (2 * b * 8 * 8 * 16 * 16 * 9);          // second layer
        assertThat(trace.totalFlops()).isEqualTo(stem + stage0 + stage1);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(2, 16));
        assertThat(calls(trace)).contains("resnet.embedder.embedder.activation GELUActivation",
                "resnet.encoder.stages.0.layers.0 ResNetBasicLayer",
                "resnet.encoder.stages.0.layers.0.layer.0.activation ReLU",
                "resnet.encoder.stages.0.layers.0.layer.1.activation Identity",
                "resnet.encoder.stages.0.layers.0.shortcut Identity",
                "resnet.encoder.stages.0.layers.0.activation GELUActivation")
                .endsWith("classifier.0 Flatten", "classifier.1 Identity");
    }

    @Test
    void outputHiddenStatesFromTheConfigAddTheHiddenStates() {
        // ResNet: the encoder's input and every stage's output follow the logits
        Trace resnet = new ResNet().build(config("{\"model_type\": \"resnet\", \"layer_type\": \"basic\","
                + " \"embedding_size\": 8, \"hidden_sizes\": [8, 16], \"depths\": [1, 2], \"num_labels\": 3,"
                + " \"output_hidden_states\": true}"), "ResNetForImageClassification").trace(Shape.of(2, 3, 64, 64));
        assertThat(resnet.calls().get(0).out()).containsExactly(Shape.of(2, 3), Shape.of(2, 8, 16, 16),
                Shape.of(2, 8, 16, 16), Shape.of(2, 16, 8, 8));
        assertThat(call(resnet, "resnet.encoder").out()).hasSize(4);
        // MobileNetV1: the 26 layers' outputs
        Trace v1 = new MobileNetV1().build(config("{\"model_type\": \"mobilenet_v1\", \"output_hidden_states\":"
                + " true}"), "MobileNetV1Model").trace(Shape.of(1, 3, 224, 224));
        assertThat(v1.calls().get(0).out()).hasSize(28).startsWith(Shape.of(1, 1024, 7, 7), Shape.of(1, 1024),
                Shape.of(1, 32, 112, 112));
        // MobileNetV2 segmentation: the logits, then the 16 hidden states
        Trace seg = new MobileNetV2().build(config("{\"model_type\": \"mobilenet_v2\", \"output_hidden_states\":"
                + " true}"), "MobileNetV2ForSemanticSegmentation").trace(Shape.of(1, 3, 224, 224));
        assertThat(seg.calls().get(0).out()).hasSize(17).startsWith(Shape.of(1, 2, 7, 7), Shape.of(1, 24, 56, 56))
                .endsWith(Shape.of(1, 320, 7, 7));
    }

    @Test
    void resnetRefusesOtherChannelCounts() throws IOException {
        Module model = new ResNet().build(goldenConfig("microsoft-resnet-50.json"), "ResNetModel");
        assertThatThrownBy(() -> model.trace(Shape.of(1, 1, 224, 224))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("Make sure that the channel dimension of the pixel values match with the one "
                        + "set in the configuration.");
    }

    // MobileNetV1

    /**
     * MobileNetV1 1.0 at 224 with TF "SAME" padding: the stem 3x3/2 to 112x112 x 32, then per depthwise/pointwise
     * pair 2*H*W*C*9 + 2*H*W*C*C' at the depthwise output size.
     */
    @Test
    void mobilenetV1DefaultConfig() throws IOException {
        HfConfig config = goldenConfig("mobilenet_v1.json"); // {"model_type": "mobilenet_v1"}: 2 labels
        assertThat(MobileNetV1.defaultInput(config, 1)).isEqualTo(Shape.of(1, 3, 224, 224));
        Trace trace = new MobileNetV1().build(config, "MobileNetV1ForImageClassification")
                .trace(Shape.of(1, 3, 224, 224));
        long[] strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
        long size = 112;
        long c = 32;
        long depth = 32;
        long flops = 2L * 112 * 112 * 32 * 27;
        for (int i = 0; i < strides.length; i++) {
            size = size / strides[i];
            long out = c;
            if (strides[i] == 2 || i == 0) {
                depth *= 2;
                out = depth;
            }
            flops += 2 * size * size * c * 9 + 2 * size * size * c * out;
            c = out;
        }
        flops += 2L * 1024 * 2;
        assertThat(flops).isEqualTo(1_135_436_800L); // hf_vision_check.py
        assertThat(trace.totalFlops()).isEqualTo(flops);
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 2));
        assertThat(call(trace, "mobilenet_v1").out()).containsExactly(Shape.of(1, 1024, 7, 7), Shape.of(1, 1024));
        // TF padding: the stem's conv sees 224 padded by (0, 1) on each side pair, the hook's input is padded
        assertThat(call(trace, "mobilenet_v1.conv_stem.convolution").in()).containsExactly(Shape.of(1, 3, 225, 225));
        assertThat(calls(trace)).startsWith(" MobileNetV1ForImageClassification", "mobilenet_v1 MobileNetV1Model",
                "mobilenet_v1.conv_stem MobileNetV1ConvLayer", "mobilenet_v1.conv_stem.convolution Conv2d",
                "mobilenet_v1.conv_stem.normalization BatchNorm2d", "mobilenet_v1.conv_stem.activation ReLU6",
                "mobilenet_v1.layer.0 MobileNetV1ConvLayer")
                .endsWith("mobilenet_v1.layer.25.activation ReLU6", "mobilenet_v1.pooler AdaptiveAvgPool2d",
                        "dropout Dropout", "classifier Linear");
    }

    @Test
    void mobilenetV1TfPaddingOnOddSizes() throws IOException {
        // 225x199, batch 2: every stride-2 layer pads (1, 1) on an odd side, (0, 1) on an even one
        Trace trace = new MobileNetV1().build(goldenConfig("mobilenet_v1.json"), "MobileNetV1ForImageClassification")
                .trace(Shape.of(2, 3, 225, 199));
        assertThat(trace.totalFlops()).isEqualTo(2_239_401_984L); // hf_vision_check.py
        assertThat(call(trace, "mobilenet_v1.conv_stem.convolution").out()).containsExactly(
                Shape.of(2, 32, 113, 100));
        // without tf_padding: a static padding (k - 1) / 2 = 1, no F.pad; 113x100 all the same here
        Trace plain = new MobileNetV1().build(config("{\"model_type\": \"mobilenet_v1\", \"tf_padding\": false}"),
                "MobileNetV1Model").trace(Shape.of(2, 3, 225, 199));
        assertThat(call(plain, "conv_stem.convolution").in()).containsExactly(Shape.of(2, 3, 225, 199));
        assertThat(call(plain, "conv_stem.convolution").out()).containsExactly(Shape.of(2, 32, 113, 100));
    }

    // MobileNetV2

    @Test
    void mobilenetV2EqualsTorchvisionAt224() {
        HfConfig config = config("{\"model_type\": \"mobilenet_v2\", \"num_labels\": 1000}");
        Trace head = new MobileNetV2().build(config, "MobileNetV2ForImageClassification")
                .trace(MobileNetV2.defaultInput(config, 1));
        // torchvision mobilenet_v2 (same convolutions at 224: TF padding gives the same sizes): 601,548,544
        assertThat(head.totalFlops()).isEqualTo(601_548_544L);
        assertThat(call(head, "mobilenet_v2").out()).containsExactly(Shape.of(1, 1280, 7, 7), Shape.of(1, 1280));
        assertThat(calls(head)).startsWith(" MobileNetV2ForImageClassification", "mobilenet_v2 MobileNetV2Model",
                "mobilenet_v2.conv_stem MobileNetV2Stem", "mobilenet_v2.conv_stem.first_conv MobileNetV2ConvLayer",
                "mobilenet_v2.conv_stem.first_conv.convolution Conv2d",
                "mobilenet_v2.conv_stem.first_conv.normalization BatchNorm2d",
                "mobilenet_v2.conv_stem.first_conv.activation ReLU6",
                "mobilenet_v2.conv_stem.conv_3x3 MobileNetV2ConvLayer")
                .contains("mobilenet_v2.conv_stem.reduce_1x1.normalization BatchNorm2d",
                        "mobilenet_v2.layer.0 MobileNetV2InvertedResidual",
                        "mobilenet_v2.layer.15.reduce_1x1.normalization BatchNorm2d")
                .doesNotContain("mobilenet_v2.conv_stem.reduce_1x1.activation ReLU6")
                .endsWith("mobilenet_v2.conv_1x1.activation ReLU6", "mobilenet_v2.pooler AdaptiveAvgPool2d",
                        "dropout Dropout", "classifier Linear");
    }

    @Test
    void mobilenetV2ModelOnOddSizes() {
        HfConfig config = config("{\"model_type\": \"mobilenet_v2\"}");
        Trace trace = new MobileNetV2().build(config, "MobileNetV2Model").trace(Shape.of(2, 3, 225, 199));
        assertThat(trace.totalFlops()).isEqualTo(1_198_558_656L); // hf_vision_check.py
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(2, 1280, 8, 7), Shape.of(2, 1280));
    }

    /**
     * DeepLabV3 MobileNetV2 (google/deeplabv3_mobilenet_v2_1.0_513: output_stride 8, 21 labels) at 513: stride 8
     * reached after layer 5, the later depthwise convs dilate; the head runs on layer 15's output (1, 320, 65, 65),
     * conv_1x1 runs all the same; labels None: no interpolation of the logits.
     */
    @Test
    void mobilenetV2SemanticSegmentation() {
        HfConfig config = config("{\"model_type\": \"mobilenet_v2\", \"output_stride\": 8, \"num_labels\": 21,"
                + " \"image_size\": 513}");
        Shape input = MobileNetV2.defaultInput(config, 1);
        assertThat(input).isEqualTo(Shape.of(1, 3, 513, 513));
        Trace trace = new MobileNetV2().build(config, "MobileNetV2ForSemanticSegmentation").trace(input);
        assertThat(trace.totalFlops()).isEqualTo(21_112_827_264L); // hf_vision_check.py
        assertThat(trace.calls().get(0).out()).containsExactly(Shape.of(1, 21, 65, 65));
        // the backbone's output: last_hidden_state, then the 16 hidden states (pooler_output is None)
        List<Shape> backbone = call(trace, "mobilenet_v2").out();
        assertThat(backbone).hasSize(17);
        assertThat(backbone.get(0)).isEqualTo(Shape.of(1, 1280, 65, 65));
        assertThat(backbone.get(16)).isEqualTo(Shape.of(1, 320, 65, 65));
        assertThat(calls(trace)).doesNotContain("mobilenet_v2.pooler AdaptiveAvgPool2d")
                .endsWith("mobilenet_v2.conv_1x1.activation ReLU6", "segmentation_head MobileNetV2DeepLabV3Plus",
                        "segmentation_head.avg_pool AdaptiveAvgPool2d", "segmentation_head.conv_pool MobileNetV2ConvLayer",
                        "segmentation_head.conv_pool.convolution Conv2d",
                        "segmentation_head.conv_pool.normalization BatchNorm2d",
                        "segmentation_head.conv_pool.activation ReLU", "segmentation_head.conv_aspp MobileNetV2ConvLayer",
                        "segmentation_head.conv_aspp.convolution Conv2d",
                        "segmentation_head.conv_aspp.normalization BatchNorm2d",
                        "segmentation_head.conv_aspp.activation ReLU",
                        "segmentation_head.conv_projection MobileNetV2ConvLayer",
                        "segmentation_head.conv_projection.convolution Conv2d",
                        "segmentation_head.conv_projection.normalization BatchNorm2d",
                        "segmentation_head.conv_projection.activation ReLU", "segmentation_head.dropout Dropout2d",
                        "segmentation_head.classifier MobileNetV2ConvLayer",
                        "segmentation_head.classifier.convolution Conv2d");
        // stride 8 is reached at layer 2; layer 5's stride 2 becomes dilation 2 from layer 6, layer 12's makes it 4
        // from layer 13: the TF pad (1, 1) is multiplied by the dilation, so 65x65 stays
        assertThat(call(trace, "mobilenet_v2.layer.5.conv_3x3.convolution").in())
                .containsExactly(Shape.of(1, 192, 67, 67));
        assertThat(call(trace, "mobilenet_v2.layer.6.conv_3x3.convolution").in())
                .containsExactly(Shape.of(1, 384, 69, 69));
        assertThat(call(trace, "mobilenet_v2.layer.13.conv_3x3.convolution").in())
                .containsExactly(Shape.of(1, 960, 73, 73));
        assertThat(call(trace, "mobilenet_v2.layer.13.conv_3x3.convolution").out())
                .containsExactly(Shape.of(1, 960, 65, 65));
        // head: pool branch on 1x1, ASPP and projection and classifier on 65x65
        long hw = 65 * 65;
        long head = 2L * 320 * 256 + 2 * hw * 320 * 256 + 2 * hw * 512 * 256 + 2 * hw * 256 * 21;
        assertThat(call(trace, "segmentation_head").flops()).isEqualTo(head);
    }
}
