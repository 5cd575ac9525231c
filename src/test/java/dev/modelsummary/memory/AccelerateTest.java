package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Accelerate} on small hand-made module trees, each rule of accelerate 1.15's walk and training estimate. */
class AccelerateTest {

    /** A module as get_max_layer_size sees it. */
    private static final class Node implements ModuleNode {
        private final String className;
        private final List<Map.Entry<String, ? extends ModuleNode>> children = new ArrayList<>();
        private final List<String> parameters = new ArrayList<>();
        private final List<String> buffers = new ArrayList<>();

        Node(String className) {
            this.className = className;
        }

        Node child(String name, Node child) {
            children.add(Map.entry(name, child));
            return this;
        }

        Node parameter(String name) {
            parameters.add(name);
            return this;
        }

        Node buffer(String name) {
            buffers.add(name);
            return this;
        }

        @Override
        public String className() {
            return className;
        }

        @Override
        public List<Map.Entry<String, ? extends ModuleNode>> namedChildren() {
            return children;
        }

        @Override
        public List<String> ownParameterNames() {
            return parameters;
        }

        @Override
        public List<String> ownBufferNames() {
            return buffers;
        }
    }

    private static TensorEntry p(String name, long... shape) {
        return TensorEntry.parameter(name, Shape.of(shape), DType.FLOAT32, true);
    }

    private static Node linear() {
        return new Node("Linear").parameter("weight").parameter("bias");
    }

    @Test
    void equalLayersKeepEveryNameInWalkOrder() {
        // b is registered before a: the walk follows registration order, not names
        Node root = new Node("Net").child("b", new Node("Seq").child("1", linear()).child("0", linear()))
                .child("a", linear());
        List<TensorEntry> parameters = List.of(p("b.1.weight", 3, 2), p("b.1.bias", 3), p("b.0.weight", 3, 2),
                p("b.0.bias", 3), p("a.weight", 3, 2), p("a.bias", 3));

        Accelerate.LargestLayer largest = Accelerate.largestLayer(root, parameters, List.of());

        assertThat(largest.bytes()).isEqualTo(9 * 4);
        assertThat(largest.names()).containsExactly("b.1", "b.0", "a");
    }

    @Test
    void aTiedWeightCountsOnceUnderItsFirstName() {
        // lm_head.weight is embed.weight: the parameter list holds it once, so lm_head is a layer of 0 bytes
        Node root = new Node("LM").child("embed", new Node("Embedding").parameter("weight"))
                .child("lm_head", new Node("Linear").parameter("weight"));
        List<TensorEntry> parameters = List.of(p("embed.weight", 10, 4));

        Accelerate.LargestLayer largest = Accelerate.largestLayer(root, parameters, List.of());

        assertThat(largest).isEqualTo(new Accelerate.LargestLayer(160, List.of("embed")));
    }

    @Test
    void aDescendedModulesOwnParametersAreInNoLayer() {
        // block has children, so it is split: its own (large) scale belongs to no layer
        Node root = new Node("Net").child("block", new Node("Block").parameter("scale").child("fc", linear()));
        List<TensorEntry> parameters = List.of(p("block.scale", 100), p("block.fc.weight", 2, 2),
                p("block.fc.bias", 2));

        Accelerate.LargestLayer largest = Accelerate.largestLayer(root, parameters, List.of());

        assertThat(largest).isEqualTo(new Accelerate.LargestLayer(24, List.of("block.fc")));
    }

    @Test
    void aRootParameterIsALayerOfItsOwnBeforeTheChildren() {
        Node root = new Node("Net").parameter("cls_token").child("fc", linear());
        List<TensorEntry> parameters = List.of(p("cls_token", 1, 6), p("fc.weight", 2, 2), p("fc.bias", 2));

        assertThat(Accelerate.largestLayer(root, parameters, List.of()))
                .isEqualTo(new Accelerate.LargestLayer(24, List.of("cls_token", "fc")));
        assertThat(Accelerate.largestLayer(root, List.of(p("cls_token", 1, 7), p("fc.weight", 2, 2),
                p("fc.bias", 2)), List.of())).isEqualTo(new Accelerate.LargestLayer(28, List.of("cls_token")));
    }

    @Test
    void rootBuffersComeLastAndWeighNothing() {
        // parameters only: a root buffer is a layer of 0 bytes, met after the children; with no parameters at all
        // every layer ties at 0, as accelerate's max_size = 0 start makes it
        Node root = new Node("Net").buffer("position_ids").child("act", new Node("ReLU"));

        assertThat(Accelerate.largestLayer(root, List.of(), List.of()))
                .isEqualTo(new Accelerate.LargestLayer(0, List.of("act", "position_ids")));
    }

    @Test
    void aNoSplitClassStopsTheDescent() {
        Node block = new Node("DecoderLayer").child("q", linear()).child("k", linear());
        Node root = new Node("Model").child("layers", new Node("ModuleList").child("0", block)).child("norm",
                new Node("RMSNorm").parameter("weight"));
        List<TensorEntry> parameters = List.of(p("layers.0.q.weight", 4, 4), p("layers.0.q.bias", 4),
                p("layers.0.k.weight", 4, 4), p("layers.0.k.bias", 4), p("norm.weight", 30));

        assertThat(Accelerate.largestLayer(root, parameters, List.of("DecoderLayer")))
                .isEqualTo(new Accelerate.LargestLayer(160, List.of("layers.0")));
        assertThat(Accelerate.largestLayer(root, parameters, List.of()))
                .isEqualTo(new Accelerate.LargestLayer(120, List.of("norm")));
    }

    @Test
    void sizesAreFloat32ExceptIntegerTensors() {
        Node root = new Node("Net").child("a", new Node("A").parameter("w")).child("b", new Node("B").parameter("w"));
        List<TensorEntry> parameters = List.of(TensorEntry.parameter("a.w", Shape.of(5), DType.FLOAT16, true),
                TensorEntry.parameter("b.w", Shape.of(3), DType.INT64, false));

        assertThat(Accelerate.float32Bytes(parameters.get(0))).isEqualTo(20);
        assertThat(Accelerate.float32Bytes(parameters.get(1))).isEqualTo(24);
        assertThat(Accelerate.largestLayer(root, parameters, List.of()))
                .isEqualTo(new Accelerate.LargestLayer(24, List.of("b")));
    }

    @Test
    void float32TrainingIsModelOptimizerTwiceGradientsAndStepFourTimes() {
        Accelerate.TrainingUsage usage = Accelerate.trainingUsage(1001, Accelerate.Dtype.FLOAT32);

        assertThat(usage).isEqualTo(new Accelerate.TrainingUsage(1001, 2002, 1001, 4004));
        assertThat(usage.peak()).isEqualTo(4004);
    }

    @Test
    void float16GradientsAddTheFloorOfHalfTheBytes() {
        Accelerate.TrainingUsage usage = Accelerate.trainingUsage(1001, Accelerate.Dtype.FLOAT16);

        // fp16_size = bytes // 2 = 500
        assertThat(usage).isEqualTo(new Accelerate.TrainingUsage(1001, 2002, 1501, 2002));
        assertThat(usage.peak()).isEqualTo(2002);
    }

    @Test
    void int8AndInt4HaveNoTrainingFigure() {
        for (Accelerate.Dtype dtype : List.of(Accelerate.Dtype.INT8, Accelerate.Dtype.INT4)) {
            Accelerate.TrainingUsage usage = Accelerate.trainingUsage(1001, dtype);
            assertThat(usage).isEqualTo(new Accelerate.TrainingUsage(-1, -1, -1, -1));
            assertThat(usage.peak()).isEqualTo(-1);
        }
    }

    @Test
    void theRowsDivideExactly() {
        assertThat(Accelerate.Dtype.FLOAT32.of(1001)).isEqualByComparingTo("1001");
        assertThat(Accelerate.Dtype.FLOAT16.of(1001)).isEqualByComparingTo("500.5");
        assertThat(Accelerate.Dtype.INT8.of(1001)).isEqualByComparingTo("250.25");
        assertThat(Accelerate.Dtype.INT4.of(1001)).isEqualByComparingTo(new BigDecimal("125.125"));
    }
}
