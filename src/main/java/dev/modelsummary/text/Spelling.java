package dev.modelsummary.text;

/** Near misses: what a mistyped name (a model, an option, a config key) was probably meant to be. */
public final class Spelling {
    /** Longer text is never a typo of a name, and the distance is quadratic in the lengths. */
    private static final int MAX_LENGTH = 100;

    private Spelling() {
    }

    /** Whether {@code distance} edits from {@code typed} are few enough to call it a typo. */
    public static boolean near(String typed, int distance) {
        return distance <= Math.max(2, typed.length() / 3);
    }

    /**
     * The candidate nearest {@code typed} by {@link #distance} when it is {@link #near} and not {@code typed}
     * itself; the first of equally near ones; else null.
     */
    public static String nearest(String typed, Iterable<String> candidates) {
        if (typed.length() > MAX_LENGTH) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(typed, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance > 0 && near(typed, bestDistance) ? best : null;
    }

    /** Levenshtein distance: inserts, deletes and substitutions of one character each cost 1. */
    public static int distance(String a, String b) {
        return distance(a, b, false);
    }

    /** The fewest edits that make {@code part} a substring of {@code name} (Sellers' approximate matching). */
    public static int partDistance(String part, String name) {
        return distance(part, name, true);
    }

    /** Levenshtein distance from {@code a} to {@code b}, or, {@code inside}, to the nearest substring of b. */
    private static int distance(String a, String b, boolean inside) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = inside ? 0 : j; // inside, a may start anywhere in b at no cost
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        if (!inside) {
            return previous[b.length()];
        }
        int best = previous[0]; // and end anywhere
        for (int d : previous) {
            best = Math.min(best, d);
        }
        return best;
    }
}
