package dev.modelsummary.catalog.torchvision.video;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Python's float repr, as nn.Dropout's message prints the rate. */
class DropoutTest {
    @Test
    void spellsFloatsAsPythonRepr() {
        assertThat(Dropout.pythonRepr(1.5)).isEqualTo("1.5");
        assertThat(Dropout.pythonRepr(2)).isEqualTo("2.0");
        assertThat(Dropout.pythonRepr(-0.1)).isEqualTo("-0.1");
        assertThat(Dropout.pythonRepr(-0.0)).isEqualTo("-0.0");
        assertThat(Dropout.pythonRepr(1e-5)).isEqualTo("1e-05");
        assertThat(Dropout.pythonRepr(0.0001)).isEqualTo("0.0001");
        assertThat(Dropout.pythonRepr(1e16)).isEqualTo("1e+16");
        assertThat(Dropout.pythonRepr(-2.5e20)).isEqualTo("-2.5e+20");
        assertThat(Dropout.pythonRepr(123456789012345.0)).isEqualTo("123456789012345.0");
    }
}
