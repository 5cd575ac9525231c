package dev.modelsummary.testutil;

/**
 * The time one Jazzer target fuzzes when run with {@code JAZZER_FUZZ=1}. Jazzer 0.22 takes it from
 * {@code @FuzzTest(maxDuration = ...)} only (a libFuzzer {@code -max_total_time} given otherwise is overridden by
 * it), so every fuzz test names this constant: {@code .ci/fuzz} runs each target for this long, and a longer
 * run by hand is a change here.
 */
public final class Fuzzing {
    /** Short enough that {@code .ci/fuzz} runs every target (16) in about three minutes on 2 cores. */
    public static final String MAX_DURATION = "5s";

    private Fuzzing() {
    }
}
