package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The class-level lines of a TorchScript code file, as python_print.cpp writes them. */
class TorchScriptCodeTest {

    @Test
    void slotsInDeclarationOrderWithConstantsAndMethodsLeftOut() throws IOException {
        Map<String, TorchScriptCode.ClassDecl> classes = parse("""
                class Conv2d(Module):
                  __parameters__ = ["weight", "bias", ]
                  __buffers__ = []
                  weight : Tensor
                  bias : Optional[Tensor]
                  training : bool
                  kernel_size : Final[Tuple[int, int]] = (3, 3)
                  __annotations__["0"] = __torch__.torch.nn.modules.linear.Linear
                  def forward(self: __torch__.Conv2d,
                    input: Tensor) -> Tensor:
                    weight : Tensor = self.weight
                    return input
                  stride : Final[int] = 1
                class Point:
                  x : int
                """);

        assertThat(classes).containsOnlyKeys("Conv2d", "Point");
        TorchScriptCode.ClassDecl conv = classes.get("Conv2d");
        assertThat(conv.module()).isTrue();
        assertThat(conv.attributes()).containsExactly("weight", "bias", "training", "0");
        assertThat(conv.parameters()).containsExactlyInAnyOrder("weight", "bias");
        assertThat(conv.buffers()).isEmpty();
        assertThat(classes.get("Point").module()).isFalse();
        assertThat(classes.get("Point").attributes()).containsExactly("x");
    }

    @Test
    void quotedNamesWithEscapesAndCrlfLines() throws IOException {
        Map<String, TorchScriptCode.ClassDecl> classes = parse("class M(Module):\r\n"
                + "  __parameters__ = ['a\\'b', \"c\\\\d\", \"\\x41\\101\", ]\r\n"
                + "  __buffers__ = [\"e\"]\r\n"
                + "  __annotations__[\"a'b\"] = Tensor\r\n"
                + "  __annotations__[\"c\\\\d\"] = Tensor\r\n"
                + "  __annotations__[\"AA\"] = Tensor\r\n"
                + "  e : Tensor\r\n");

        TorchScriptCode.ClassDecl m = classes.get("M");
        assertThat(m.attributes()).containsExactly("a'b", "c\\d", "AA", "e");
        assertThat(m.parameters()).isEqualTo(Set.of("a'b", "c\\d", "AA"));
        assertThat(m.buffers()).isEqualTo(Set.of("e"));
    }

    @Test
    void theFirstUndeclaredNameOfAListIsNamed() {
        assertThatThrownBy(() -> parse("""
                class M(Module):
                  __parameters__ = ["w", "x", "y", ]
                  w : Tensor
                """))
                .isInstanceOf(FormatException.class)
                .hasMessage("Code file 'f.py': class 'M' lists 'x' in __parameters__ but declares no such attribute.");
    }

    @Test
    void anUnterminatedNameIsRefused() {
        assertThatThrownBy(() -> parse("class M(Module):\n  __buffers__ = [\"w"))
                .isInstanceOf(FormatException.class)
                .hasMessage("Code file 'f.py' line 2: cannot read a name in __buffers__.");
    }

    @Test
    void aNameOverTheLimitIsRefused() {
        String name = "n".repeat(5000);
        assertThatThrownBy(() -> parse("class M(Module):\n  " + name + " : Tensor\n"))
                .isInstanceOf(FormatException.class)
                .hasMessage("Code file 'f.py' line 2: declares an attribute name longer than 4096 characters (raise with --limit tensor-name-chars=N).");
    }

    @Test
    void aHostileNameIsQuotedEscapedInMessages() {
        assertThatThrownBy(() -> parse("class M(Module):\n  __parameters__ = [\"\\x1b[2J\", ]\n"))
                .isInstanceOf(FormatException.class)
                .hasMessage("Code file 'f.py': class 'M' lists '\\u001b[2J' in __parameters__ but declares no "
                        + "such attribute.");
    }

    @Test
    void emptyAndTopLevelOnlyFilesDeclareNothing() throws IOException {
        assertThat(parse("")).isEmpty();
        assertThat(parse("import torch\nop_version_set = 1\n")).isEmpty();
        assertThat(List.copyOf(parse("class M(Module):\n").get("M").attributes())).isEmpty();
    }

    private static Map<String, TorchScriptCode.ClassDecl> parse(String text) throws IOException {
        return TorchScriptCode.parse("f.py", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
