package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.ModuleTree;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The treemap's data: bounded however wide the tree, exact in its sums, and inert inside a script element. */
class ModuleTreeJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TensorEntry p(String name, long elements) {
        return TensorEntry.parameter(name, Shape.of(elements), DType.FLOAT32, true);
    }

    private static String json(List<TensorEntry> tensors, int maxNodes) throws IOException {
        StringWriter out = new StringWriter();
        ModuleTreeJson.write(ModuleTree.of(tensors, ModuleTree.DEFAULT_MAX_DEPTH), maxNodes, out);
        return out.toString();
    }

    private static int nodes(JsonNode node) {
        int n = 1;
        for (JsonNode child : node.path("c")) {
            n += nodes(child);
        }
        return n;
    }

    @Test
    void childrenComeLargestFirstWithSourceOrderBreakingTies() throws IOException {
        JsonNode root = MAPPER.readTree(json(List.of(p("a.w", 5), p("b.w", 9), p("c.w", 5), p("d", 1)), 100));

        assertThat(root.path("v").asLong()).isEqualTo(20);
        assertThat(root.path("c").findValuesAsText("n")).containsExactly("b", "a", "c");
        assertThat(root.path("c").get(0).has("c")).isFalse(); // a module with tensors only is a leaf
    }

    @Test
    void pastTheBudgetTheSmallestChildrenBecomeOneOtherBoxThatKeepsTheSum() throws IOException {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tensors.add(p("m" + i + ".w", 100 - i));
        }
        JsonNode root = MAPPER.readTree(json(tensors, 10));

        JsonNode children = root.path("c");
        assertThat(nodes(root)).isEqualTo(10);
        assertThat(children).hasSize(9);
        assertThat(children.get(7).path("n").asText()).isEqualTo("m7");
        JsonNode other = children.get(8);
        assertThat(other.path("n").asText()).isEqualTo("other (22 modules)");
        assertThat(other.path("k").asInt()).isEqualTo(22);
        long sum = 0;
        for (JsonNode child : children) {
            sum += child.path("v").asLong();
        }
        assertThat(sum).isEqualTo(root.path("v").asLong()).isEqualTo(30 * 100 - 29 * 30 / 2);
    }

    @Test
    void theBudgetGoesToTheTopLevelsFirst() throws IOException {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int top = 0; top < 5; top++) {
            for (int sub = 0; sub < 10; sub++) {
                tensors.add(p("t" + top + ".s" + sub + ".w", 10 + sub));
            }
        }
        JsonNode root = MAPPER.readTree(json(tensors, 8));

        assertThat(root.path("c")).hasSize(5);
        assertThat(nodes(root)).isLessThanOrEqualTo(8);
        assertThat(root.path("c").get(0).path("c")).hasSize(2); // the two nodes left: s9 and "other (9 modules)"
        assertThat(root.path("c").get(1).has("c")).isFalse();
        assertThat(root.path("c").get(1).path("v").asLong()).isEqualTo(145);
    }

    @Test
    void aVeryWideModelStaysWithinTheDefaultNodeBudget() throws IOException {
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            tensors.add(p("block" + (i % 300) + ".layer" + i + ".w", 1 + i % 7));
        }
        JsonNode root = MAPPER.readTree(json(tensors, ModuleTreeJson.DEFAULT_MAX_NODES));

        assertThat(nodes(root)).isLessThanOrEqualTo(ModuleTreeJson.DEFAULT_MAX_NODES).isGreaterThan(19_000);
        assertThat(root.path("c")).hasSize(300);
    }

    @Test
    void namesCannotEndTheScriptElementAndReadBackUnchanged() throws IOException {
        String hostile = "</script><!--<script>&\u2028\u2029\u007f\"\\";
        String text = json(List.of(p(hostile + ".w", 3), p("x".repeat(5000) + ".w", 1)), 100);

        assertThat(text).doesNotContain("<", ">", "&", "\u2028", "\u2029", "\u007f");
        JsonNode root = MAPPER.readTree(text);
        assertThat(root.path("c").get(0).path("n").asText()).isEqualTo(hostile);
        assertThat(root.path("c").get(1).path("n").asText())
                .hasSize(ModuleTreeJson.MAX_NAME).endsWith("x\u2026");
    }
}
