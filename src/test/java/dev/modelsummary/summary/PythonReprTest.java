package dev.modelsummary.summary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Python's float repr, as nn.Dropout's message prints the rate. */
class PythonReprTest {
    @Test
    void spellsFloatsAsPythonRepr() {
        assertThat(PythonNumbers.repr(1.5)).isEqualTo("1.5");
        assertThat(PythonNumbers.repr(2)).isEqualTo("2.0");
        assertThat(PythonNumbers.repr(-0.1)).isEqualTo("-0.1");
        assertThat(PythonNumbers.repr(-0.0)).isEqualTo("-0.0");
        assertThat(PythonNumbers.repr(1e-5)).isEqualTo("1e-05");
        assertThat(PythonNumbers.repr(0.0001)).isEqualTo("0.0001");
        assertThat(PythonNumbers.repr(1e16)).isEqualTo("1e+16");
        assertThat(PythonNumbers.repr(-2.5e20)).isEqualTo("-2.5e+20");
        assertThat(PythonNumbers.repr(123456789012345.0)).isEqualTo("123456789012345.0");
        assertThat(PythonNumbers.repr(Double.NaN)).isEqualTo("nan");
        assertThat(PythonNumbers.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }
}
