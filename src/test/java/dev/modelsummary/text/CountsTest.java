package dev.modelsummary.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountsTest {
    /** The Hub's "Model size" figures for these models' parameter counts, and the edges of each unit. */
    @ParameterizedTest
    @CsvSource({
            "6738415616, 6.74B", // meta-llama/Llama-2-7b-hf
            "46702792704, 46.7B", // mistralai/Mixtral-8x7B-v0.1
            "70553706496, 70.6B", // meta-llama/Meta-Llama-3-70B
            "124439808, 124M", // openai-community/gpt2, as torch counts it
            "304326632, 304M",
            "11689512, 11.7M",
            "1000000000, 1B",
            "1500000, 1.5M",
            "999, 999",
            "0, 0",
            "1000, 1K",
            "999499, 999K",
            "999500, 1M",
            "999999999999, 1T",
            "9223372036854775807, 9220000T"})
    void hubCounts(long count, String shown) {
        assertThat(Counts.hub(count)).isEqualTo(shown);
    }

    @Test
    void aNounAgreesWithItsCount() {
        assertThat(Counts.tensors(1)).isEqualTo("1 tensor");
        assertThat(Counts.tensors(0)).isEqualTo("0 tensors");
        assertThat(Counts.tensors(1234)).isEqualTo("1,234 tensors");
        assertThat(Counts.of(1, "module", "modules")).isEqualTo("1 module");
    }

    @ParameterizedTest
    @CsvSource({"3272.23, '3,272.23'", "8.18, 8.18", "999.99, 999.99", "1000, '1,000'", "1234567.5, '1,234,567.5'",
        "-1234.00, '-1,234.00'", "-0.00, -0.00", "100, 100"})
    void aDecimalsWholePartIsGrouped(String plain, String shown) {
        assertThat(Counts.groupedDecimal(plain)).isEqualTo(shown);
    }
}
