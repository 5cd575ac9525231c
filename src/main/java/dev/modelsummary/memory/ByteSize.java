package dev.modelsummary.memory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size as people write it: {@code 24GiB} (2^30 bytes each), {@code 80GB} (10^9), {@code 512MiB},
 * {@code 1.5TB}, or bytes ({@code 1024}, {@code 1024B}); units are case-insensitive, as accelerate's
 * {@code convert_file_size_to_int} reads {@code max_memory}.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,30}(?:\\.[0-9]{1,30})?)\\s?([a-z]{0,3})");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1_000L), Map.entry("mb", 1_000_000L), Map.entry("gb", 1_000_000_000L),
            Map.entry("tb", 1_000_000_000_000L), Map.entry("pb", 1_000_000_000_000_000L),
            Map.entry("eb", 1_000_000_000_000_000_000L), Map.entry("eib", 1L << 60),
            Map.entry("kib", 1L << 10), Map.entry("mib", 1L << 20), Map.entry("gib", 1L << 30),
            Map.entry("tib", 1L << 40), Map.entry("pib", 1L << 50));

    private ByteSize() {
    }

    /**
     * The bytes {@code text} names, rounded down to a whole byte; empty when it is not a size or passes
     * 2^63 - 1.
     */
    public static Optional<Long> parse(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        Long unit = UNITS.get(m.group(2));
        if (unit == null) {
            return Optional.empty();
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))
                .setScale(0, RoundingMode.FLOOR);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Optional.empty();
        }
        return Optional.of(bytes.longValueExact());
    }
}
