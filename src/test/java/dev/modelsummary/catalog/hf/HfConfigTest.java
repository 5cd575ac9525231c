package dev.modelsummary.catalog.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A config is input: bounded when read, each value type-checked where it is used. */
class HfConfigTest {
    private static HfConfig parse(String json) {
        return HfConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void duplicateKeysDeepNestingAndNonObjectsAreRefused() {
        assertThatThrownBy(() -> parse("{\"a\": 1, \"a\": 2}")).isInstanceOf(ConfigException.class)
                .hasMessage("Config has the key 'a' twice.");
        assertThatThrownBy(() -> parse("{\"a\": " + "[".repeat(100) + "]".repeat(100) + "}"))
                .hasMessage("Config nests deeper than 64 levels.");
        assertThatThrownBy(() -> parse("[1, 2]")).hasMessage("Config is not a JSON object.");
        assertThatThrownBy(() -> HfConfig.parse(new byte[HfConfig.MAX_BYTES + 1]))
                .hasMessage("Config is " + (HfConfig.MAX_BYTES + 1) + " bytes, over the limit of "
                        + HfConfig.MAX_BYTES + ".");
    }

    @Test
    void valuesAreTypeCheckedWithTheKeyNamed() {
        HfConfig config = parse("{\"hidden_size\": \"big\", \"layers\": 4.0, \"flag\": 1, \"ok\": 12}");

        assertThatThrownBy(() -> config.integer("hidden_size", 768))
                .hasMessage("Config key 'hidden_size' is the string 'big', not an integer.");
        assertThat(config.integer("layers", 1)).isEqualTo(4); // an integral float, as json writes some ints
        assertThatThrownBy(() -> config.bool("flag", false)).hasMessage("Config key 'flag' is '1', not true or false.");
        assertThat(config.integer("ok", 1)).isEqualTo(12);
        assertThat(config.integer("missing", 7)).isEqualTo(7);
    }

    @Test
    void overridesAreTypedLikePythonLiterals() {
        HfConfig config = parse("{\"n\": 1}").withOverrides(Map.of("n", "3", "f", "0.5", "b", "true", "s", "gelu",
                "z", "None"));

        assertThat(config.integer("n", 0)).isEqualTo(3);
        assertThat(config.real("f", 0)).isEqualTo(0.5);
        assertThat(config.bool("b", false)).isTrue();
        assertThat(config.string("s", "")).isEqualTo("gelu");
        assertThat(config.has("z")).isFalse();
    }

    @Test
    void numLabelsComesFromId2LabelElseNumLabelsElseTwo() {
        assertThat(parse("{}").numLabels()).isEqualTo(2);
        assertThat(parse("{\"num_labels\": 5}").numLabels()).isEqualTo(5);
        assertThat(parse("{\"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}}").numLabels()).isEqualTo(3);
        assertThat(parse("{\"id2label\": {\"0\": \"a\"}}").withOverrides(Map.of("num_labels", "7")).numLabels())
                .isEqualTo(7);
    }
}
