package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The {@code --depth} module table: hostile module names escaped, modules past the depth rolled up. */
class ModuleTableTest {
    private static final Summary SUMMARY = Summary.of(new Model("m", "test", "m.pth", List.of(
            TensorEntry.parameter("enc\u001b[2J.a.b.weight", Shape.of(4, 5), DType.FLOAT32, true),
            TensorEntry.parameter("enc\u001b[2J.a.bias", Shape.of(4), DType.FLOAT32, false),
            TensorEntry.parameter("top", Shape.of(6), DType.FLOAT32, true)), List.of()));

    @Test
    void textIndentsEscapesAndRollsUp() throws Exception {
        StringWriter out = new StringWriter();
        TextReport.write(SUMMARY.withoutTensorTable(), out, OptionalInt.of(1)); // the modules end the report

        String modules = out.toString().substring(out.toString().indexOf("\nModules (depth 1):\n"));
        assertThat(modules).doesNotContain("\u001b").isEqualTo("""

                Modules (depth 1):
                Module          Own parameters  Parameters       %  Tensors
                --------------  --------------  ----------  ------  -------
                m                            6          30  100.00        3
                  enc\\u001b[2J               0          24   80.00        2
                """);
    }

    @Test
    void jsonCountsOwnAndSubtreeAndTrainable() throws Exception {
        StringWriter out = new StringWriter();
        JsonReport.write(SUMMARY, out, OptionalInt.of(2));

        JsonNode modules = new ObjectMapper().readTree(out.toString()).get("modules");
        assertThat(modules).extracting(m -> m.get("path").asText())
                .containsExactly("", "enc\u001b[2J", "enc\u001b[2J.a");
        JsonNode a = modules.get(2);
        assertThat(a.get("parameters").asLong()).isEqualTo(24);
        assertThat(a.get("trainable").asLong()).isEqualTo(20);
        assertThat(a.get("bytes").asLong()).isEqualTo(96);
        assertThat(a.get("ownParameters").asLong()).isEqualTo(4);
        assertThat(a.get("ownTensors").asInt()).isEqualTo(1);
        assertThat(a.get("tensors").asInt()).isEqualTo(2);
        assertThat(out.toString()).doesNotContain("\u001b");
    }
}
