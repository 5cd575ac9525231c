package dev.modelsummary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KwargsTest {
    private static final Weights WEIGHTS = new Weights("Toy_Weights", List.of(
            new Weights.Member("IMAGENET1K_V1", 1000, 224), new Weights.Member("SWAG_V1", 1000, 384)), "SWAG_V1");
    private static final List<Arg> ARGS = List.of(
            Arg.weights("weights", WEIGHTS, "w"),
            Arg.integer("num_classes", 1000, "n"),
            Arg.optionalInteger("representation_size", "r"),
            Arg.bool("aux_logits", true, "a"),
            Arg.real("width_mult", 1.0, "m"));

    private static Kwargs parse(String... pairs) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            given.put(pairs[i], pairs[i + 1]);
        }
        return Kwargs.parse("toy", ARGS, given);
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        Kwargs kwargs = parse();

        assertThat(kwargs.integer("num_classes")).isEqualTo(1000);
        assertThat(kwargs.optionalInteger("representation_size")).isNull();
        assertThat(kwargs.bool("aux_logits")).isTrue();
        assertThat(kwargs.real("width_mult")).isEqualTo(1.0);
        assertThat(kwargs.weights("weights")).isEmpty();
        assertThat(kwargs.isGiven("num_classes")).isFalse();
    }

    @Test
    void valuesAreParsedByType() {
        Kwargs kwargs = parse("num_classes", "1_000_000", "representation_size", "None", "aux_logits", "False",
                "width_mult", "0.75");

        assertThat(kwargs.integer("num_classes")).isEqualTo(1_000_000);
        assertThat(kwargs.optionalInteger("representation_size")).isNull();
        assertThat(kwargs.bool("aux_logits")).isFalse();
        assertThat(kwargs.real("width_mult")).isEqualTo(0.75);
        assertThat(kwargs.isGiven("representation_size")).isTrue();
    }

    @Test
    void weightsAreFoundAsVerifyFindsThem() {
        assertThat(parse("weights", "DEFAULT").weights("weights")).map(Weights.Member::name).contains("SWAG_V1");
        assertThat(parse("weights", "Toy_Weights.IMAGENET1K_V1").weights("weights"))
                .map(Weights.Member::name).contains("IMAGENET1K_V1");
        assertThat(parse("weights", "imagenet1k_v1").weights("weights")).map(Weights.Member::minSize).contains(224L);
        assertThat(parse("weights", "none").weights("weights")).isEmpty();
    }

    @Test
    void overwriteKeepsAnEqualValueAndRefusesAnother() {
        Kwargs same = parse("num_classes", "1000");
        same.overwrite("num_classes", 1000L);
        assertThat(same.integer("num_classes")).isEqualTo(1000);

        Kwargs unset = parse();
        unset.overwrite("num_classes", 21L);
        assertThat(unset.integer("num_classes")).isEqualTo(21);

        assertThatThrownBy(() -> parse("num_classes", "10").overwrite("num_classes", 1000L))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("toy: The parameter 'num_classes' expected value 1000 but got 10 instead.");
        assertThatThrownBy(() -> parse("aux_logits", "false").overwrite("aux_logits", true))
                .hasMessage("toy: The parameter 'aux_logits' expected value True but got False instead.");
    }

    @Test
    void badKeysAndValuesAreRefusedWithQuotedInput() {
        assertThatThrownBy(() -> parse("num_clases", "10")).isInstanceOf(ArgumentException.class)
                .hasMessage("toy takes no argument 'num_clases'; it takes weights, num_classes, representation_size,"
                        + " aux_logits, width_mult.");
        assertThatThrownBy(() -> parse("num_classes", "1e3")).hasMessage(
                "toy: num_classes='1e3' is not an integer (num_classes is int).");
        assertThatThrownBy(() -> parse("num_classes", "None")).hasMessage(
                "toy: num_classes='None' is not an integer (num_classes is int).");
        assertThatThrownBy(() -> parse("width_mult", "NaN")).hasMessage(
                "toy: width_mult='NaN' is not a number (width_mult is float).");
        assertThatThrownBy(() -> parse("weights", "V2\n")).hasMessage(
                "toy: weights='V2\\u000a': no such member of Toy_Weights; it has IMAGENET1K_V1, SWAG_V1, DEFAULT.");
    }

    @Test
    void warningsAreKept() {
        Kwargs kwargs = parse();
        kwargs.warn("Changing trainable_backbone_layers has no effect");

        assertThat(kwargs.warnings()).containsExactly("Changing trainable_backbone_layers has no effect");
    }
}
