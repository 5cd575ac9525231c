package dev.modelsummary.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleTreeTest {

    private static Summary summary(TensorEntry... tensors) {
        return Summary.of(new Model("m", "test", "m", List.of(tensors), List.of()));
    }

    private static TensorEntry p(String name, long... dims) {
        return TensorEntry.parameter(name, Shape.of(dims), DType.FLOAT32, true);
    }

    @Test
    void ownParametersAreTheModulesDirectTensorsAndSubtreesSumEverythingBelow() {
        ModuleTree tree = ModuleTree.of(summary(
                p("class_token", 1, 1, 8),
                p("conv.weight", 8, 3, 2, 2),
                p("conv.bias", 8),
                p("encoder.pos", 1, 5, 8),
                p("encoder.layers.0.ln.weight", 8),
                p("encoder.layers.0.mlp.0.weight", 16, 8),
                p("encoder.layers.1.ln.weight", 8),
                p("heads.head.weight", 10, 8)));

        ModuleTree.Node root = tree.root();
        assertThat(root.ownTensors()).isEqualTo(1);
        assertThat(root.ownParameters()).isEqualTo(8);
        assertThat(root.parameters()).isEqualTo(8 + 96 + 8 + 40 + 8 + 128 + 8 + 80);
        assertThat(root.children()).extracting(ModuleTree.Node::path)
                .containsExactly("conv", "encoder", "heads");

        ModuleTree.Node encoder = root.children().get(1);
        assertThat(encoder.ownParameters()).isEqualTo(40);
        assertThat(encoder.parameters()).isEqualTo(40 + 8 + 128 + 8);
        assertThat(encoder.tensors()).isEqualTo(4);

        assertThat(tree.rollup(2)).extracting(ModuleTree.Node::path)
                .containsExactly("", "conv", "encoder", "encoder.layers", "heads", "heads.head");
        assertThat(tree.rollup(0)).extracting(ModuleTree.Node::path).containsExactly("");
        assertThat(tree.rollup(9)).extracting(ModuleTree.Node::path).contains("encoder.layers.0.mlp.0");
    }

    @Test
    void tiedWeightsAndBuffersAreLeftOutAsTheTotalsLeaveThemOut() {
        Summary s = summary(
                p("embed.weight", 10, 4),
                TensorEntry.buffer("bn.running_mean", Shape.of(4), DType.FLOAT32),
                p("lm_head.weight", 10, 4).withAliasOf("embed.weight"));
        ModuleTree tree = ModuleTree.of(s);
        assertThat(tree.root().parameters()).isEqualTo(s.parameters().count());
        assertThat(tree.root().bytes()).isEqualTo(s.parameters().bytes());
        assertThat(tree.root().children()).extracting(ModuleTree.Node::path).containsExactly("embed");
    }

    @Test
    void aHostileDeepNameStopsAtMaxDepthAndCountsThere() {
        String deep = "a.".repeat(100_000) + "weight";
        ModuleTree tree = ModuleTree.of(List.of(p(deep, 3)), 4);
        List<ModuleTree.Node> all = tree.rollup(Integer.MAX_VALUE);
        assertThat(all).hasSize(5);
        ModuleTree.Node last = all.get(4);
        assertThat(last.path()).isEqualTo("a.a.a.a");
        assertThat(last.ownParameters()).isEqualTo(3);
        assertThat(tree.root().parameters()).isEqualTo(3);
    }
}
