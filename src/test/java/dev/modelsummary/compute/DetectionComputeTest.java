package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward on shapes of torchvision's detectors (0.14.1), against goldens made by real torch 1.13 +
 * torchvision 0.14.1 with forward hooks (tools/fixtures/compute/detection_goldens.py): every call up to where
 * the counts depend on the data (the R-CNNs: through {@code rpn.anchor_generator}; the one-stage detectors: every
 * module call, only the root's detections are data), its class, output shapes and FLOPs, exactly.
 */
class DetectionComputeTest {
    private static final Catalog CATALOG = Catalog.standard();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Module build(String name, Map<String, String> args) {
        Builder builder = CATALOG.builder(name).orElseThrow();
        return builder.factory().build(Kwargs.parse(name, builder.args(), args));
    }

    /** The trace stopped where the data decides, as the model's forward stops it. */
    static PartialTraceException partial(Module model, Shape input) {
        PartialTraceException e = catchThrowableOfType(() -> model.trace(input), PartialTraceException.class);
        assertThat(e).as("the trace stops at a data-dependent step").isNotNull();
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fasterrcnn_resnet50_fpn", "fasterrcnn_resnet50_fpn_v2", "fasterrcnn_mobilenet_v3_large_fpn",
        "fasterrcnn_mobilenet_v3_large_320_fpn", "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2", "fcos_resnet50_fpn", "ssd300_vgg16", "maskrcnn_resnet50_fpn", "keypointrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2", "ssdlite320_mobilenet_v3_large"})
    void matchesTorchUpToTheDataDependentStep(String builder) throws IOException {
        JsonNode truth = GoldenTrace.read("tv-det-" + builder + ".json");
        Module model = build(builder, Map.of());
        PartialTraceException e = partial(model, GoldenTrace.inputShape(truth));
        assertMatches(truth, model, e);
    }

    /**
     * Call by call: path, class, outputs (not for calls open at the stop: torch's root and RPN return data-sized
     * lists), FLOPs of every call torch finished before the stop (the one-stage detectors' root included: its
     * postprocessing counts none); FLOPs by module and activations over the calls finished on both sides.
     */
    static void assertMatches(JsonNode truth, Module model, PartialTraceException e) {
        List<Trace.Call> calls = e.calls();
        Set<String> open = Set.copyOf(e.trace().openPaths());
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        Map<String, Long> byModule = new LinkedHashMap<>();
        Map<String, Long> actualByModule = new LinkedHashMap<>();
        long activations = 0;
        JsonNode modules = truth.get("modules");
        JsonNode flops = truth.at("/extra/call_flops");
        assertThat(calls).hasSize(modules.size());
        for (int i = 0; i < modules.size(); i++) {
            JsonNode m = modules.get(i);
            Trace.Call c = calls.get(i);
            boolean goldenOpen = m.path("open").asBoolean(false);
            boolean javaOpen = open.contains(c.name()) && c.out().isEmpty();
            List<Shape> out = new ArrayList<>();
            m.get("out").forEach(o -> out.add(Shape.of(MAPPER.convertValue(o, long[].class))));
            String f = flops.get(i).isNull() ? "" : " " + flops.get(i).asLong();
            expected.add(m.get("name").asText() + " " + m.get("class").asText() + (goldenOpen || javaOpen ? "" : " " + out) + f);
            actual.add(c.name() + " " + c.className() + (goldenOpen || javaOpen ? "" : " " + c.out())
                    + (flops.get(i).isNull() ? "" : " " + c.flops()));
            if (!goldenOpen && !javaOpen) {
                if (flops.get(i).asLong() != 0) {
                    byModule.merge(c.name(), flops.get(i).asLong(), Long::sum);
                }
                if (c.flops() != 0) {
                    actualByModule.merge(c.name(), c.flops(), Long::sum);
                }
                if (c.leaf()) {
                    activations += c.out().stream().mapToLong(Exact::numel).sum();
                }
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(actualByModule).isEqualTo(byModule);
        assertThat(activations).isEqualTo(truth.get("activations").asLong());
        assertThat(model.parameterCount()).isEqualTo(truth.get("parameters").asLong());
    }

    @Test
    void rcnnStopsAtTheRpnsNmsWithOneLine() {
        PartialTraceException e = partial(build("fasterrcnn_resnet50_fpn", Map.of()), Shape.of(1, 3, 300, 400));
        assertThat(e.getMessage()).isEqualTo("traced through rpn.anchor_generator: rpn.filter_proposals: the number "
                + "of proposals NMS keeps (at most rpn_post_nms_top_n_test per image) depends on the image, and "
                + "roi_heads runs on them");
        assertThat(e.path()).isEqualTo("rpn");
        assertThat(e.trace().openPaths()).containsExactly("rpn", "");
        // transform: 300x400 scaled by min(800/300, 1333/400) to 800x1066, padded to 800x1088
        assertThat(e.calls().get(1).out()).containsExactly(Shape.of(1, 3, 800, 1088));
    }

    @Test
    void frozenBatchNormWhenTrainedHasTheSameShapesAndFlops() throws IOException {
        JsonNode truth = GoldenTrace.read("tv-det-fasterrcnn_resnet50_fpn.json");
        Module frozen = build("fasterrcnn_resnet50_fpn", Map.of("weights_backbone", "IMAGENET1K_V1"));
        List<Trace.Call> calls = partial(frozen, GoldenTrace.inputShape(truth)).calls();
        assertThat(calls).extracting(Trace.Call::className).contains("FrozenBatchNorm2d").doesNotContain("BatchNorm2d");
        List<Trace.Call> plain = partial(build("fasterrcnn_resnet50_fpn", Map.of()), GoldenTrace.inputShape(truth))
                .calls();
        assertThat(calls.stream().map(c -> c.name() + c.out() + c.flops()).toList())
                .isEqualTo(plain.stream().map(c -> c.name() + c.out() + c.flops()).toList());
    }

    /** torchvision's transform on 432 (min_size, max_size, size_divisible, H, W) cases, including refusals. */
    @Test
    void transformSizeEqualsTorchs() throws IOException {
        JsonNode truth = GoldenTrace.read("tv-det-transform-sizes.json");
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (JsonNode c : truth.get("cases")) {
            Map<String, String> args = Map.of("min_size", c.get("min_size").asText(), "max_size",
                    c.get("max_size").asText(), "size_divisible", c.get("size_divisible").asText());
            Shape in = Shape.of(1, 3, c.at("/in/0").asLong(), c.at("/in/1").asLong());
            String key = args + " " + in + " -> ";
            expected.add(key + (c.get("out").isTextual() ? c.get("out").asText()
                    : Shape.of(MAPPER.convertValue(c.get("out"), long[].class)).toString()));
            Module model = build("fasterrcnn_mobilenet_v3_large_fpn", args);
            String got;
            try {
                model.trace(in);
                got = "no stop";
            } catch (PartialTraceException e) {
                got = e.calls().get(1).out().get(0).toString();
            } catch (ShapeException e) {
                got = e.getMessage();
            }
            actual.add(key + got);
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /** RAFT traces fully: 12 flow updates of fixed shapes, the correlation volume's matmul counted at the root. */
    @ParameterizedTest
    @ValueSource(strings = {"raft_small", "raft_large"})
    void raftMatchesTorchCallByCall(String builder) throws IOException {
        JsonNode truth = GoldenTrace.read("tv-det-" + builder + ".json");
        Module model = build(builder, Map.of());
        GoldenTrace.assertMatches(truth, model, model.trace(GoldenTrace.inputShape(truth)));
    }

    /** Torch's refusals (checked with torch 1.13), naming the module whose call failed. */
    @Test
    void refusesAsTorchDoes() {
        ShapeException channels = catchThrowableOfType(() -> build("fasterrcnn_mobilenet_v3_large_320_fpn", Map.of())
                .trace(Shape.of(1, 4, 64, 64)), ShapeException.class);
        assertThat(channels.path()).isEqualTo("transform");
        assertThat(channels.getMessage()).isEqualTo(
                "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0");
        // one channel broadcasts against the 3-entry mean: a 3-channel batch
        PartialTraceException gray = partial(build("fasterrcnn_mobilenet_v3_large_320_fpn", Map.of()),
                Shape.of(1, 1, 64, 64));
        assertThat(gray.calls().get(1).out()).containsExactly(Shape.of(1, 3, 320, 320));

        Module raft = build("raft_small", Map.of());
        assertThat(catchThrowableOfType(() -> raft.trace(Shape.of(1, 3, 100, 100)), ShapeException.class))
                .hasMessage("The feature encoder should downsample H and W by 8");
        assertThat(catchThrowableOfType(() -> raft.trace(Shape.of(1, 3, 100, 96)), ShapeException.class))
                .hasMessage("input image H and W should be divisible by 8, insted got 100 (h) and 96 (w)");
        assertThat(catchThrowableOfType(() -> raft.trace(Shape.of(1, 3, 96, 100)), ShapeException.class))
                .hasMessage("The feature encoder should downsample H and W by 8");
    }
}
