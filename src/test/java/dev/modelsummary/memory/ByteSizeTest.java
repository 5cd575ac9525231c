package dev.modelsummary.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void binaryAndDecimalUnitsAsAccelerateReadsThem() {
        assertThat(ByteSize.parse("24GiB")).contains(24L << 30);
        assertThat(ByteSize.parse("80GB")).contains(80_000_000_000L);
        assertThat(ByteSize.parse("512mib")).contains(512L << 20);
        assertThat(ByteSize.parse("1.5TB")).contains(1_500_000_000_000L);
        assertThat(ByteSize.parse(" 7 KiB ")).contains(7168L);
        assertThat(ByteSize.parse("1024")).contains(1024L);
        assertThat(ByteSize.parse("1024B")).contains(1024L);
        // a fraction of a byte is dropped
        assertThat(ByteSize.parse("0.5KiB")).contains(512L);
        assertThat(ByteSize.parse("1.0001B")).contains(1L);
    }

    @Test
    void malformedAndOverflowingSizesAreRefused() {
        for (String bad : new String[] {"", "GiB", "24 GiBs", "24GIBB", "-1GB", "1e9", "24 G", "abc", "1,000",
                "8EiB", "9223372036854775808", "1".repeat(65)}) {
            assertThat(ByteSize.parse(bad)).as(bad).isEqualTo(Optional.empty());
        }
        assertThat(ByteSize.parse("7EiB")).contains(7L << 60);
        assertThat(ByteSize.parse("9223372036854775807")).contains(Long.MAX_VALUE);
    }
}
