package dev.modelsummary.summary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings are what CPython 3.11 prints for the same expressions. */
class PythonNumbersTest {

    @ParameterizedTest(name = "f\"'{'{0}:.2f'}'\" == {1}")
    @CsvSource({
        "2.675, 2.67",          // binary value is just below the tie: Java's String.format says 2.68
        "0.125, 0.12",          // exact tie: half to even
        "0.375, 0.38",          // exact tie: half to even, upwards
        "1.005, 1.00",
        "0.0025, 0.00",
        "0.005, 0.01",
        "0.015, 0.01",
        "0.025, 0.03",
        "123456.785, 123456.79",
        "1.0000000000000002e16, 10000000000000002.00",
        "-0.001, -0.00",
    })
    void fixed2RoundsTheExactBinaryValueHalfToEven(double x, String python) {
        assertThat(PythonNumbers.fixed2(x)).isEqualTo(python);
    }

    @ParameterizedTest(name = "f\"'{'100 * {0} / {1}:.2f'}'\" == {2}")
    @CsvSource({
        "197, 296, 66.55",
        "98, 296, 33.11",
        "1, 296, 0.34",
        "324584, 304326632, 0.11",
        "1, 8, 12.50",
        "2, 3, 66.67",
        "1, 1600, 0.06",
        "5, 800, 0.62",
        "0, 0, 0.00",
        // 100 * part passes 2^63: Python's integers stay exact (values from Python itself).
        "144115188075855872, 144115188075855875, 100.00",
        "4611686018427387904, 6917529027641081856, 66.67",
        "2305843009213693953, 9223372036854775807, 25.00",
        "3074457345618258602, 9223372036854775807, 33.33",
    })
    void percentIsTheOriginalExpression(long part, long whole, String python) {
        assertThat(PythonNumbers.percent(part, whole)).isEqualTo(python);
    }

    @ParameterizedTest(name = "_convert_digit({0}) == {1}")
    @CsvSource({
        "0, 0",
        "999, 999",
        "1000, 1.00K",
        "1005, 1.00K",
        "2675, 2.67K",
        "999995, 1000.00K",     // the original divides within the unit it chose by magnitude: no carry
        "999999, 1000.00K",
        "11689512, 11.69M",
        "304326632, 304.33M",
        "1234567890123, 1.23T",
        "1000000000000000, 1000.00T",
        "9007199254740993, 9007.20T",
        "9223372036854775807, 9223372.04T",
    })
    void humanCountIsTheOriginalConvertDigit(long n, String python) {
        assertThat(PythonNumbers.humanCount(n)).isEqualTo(python);
    }
}
