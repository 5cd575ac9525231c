package dev.modelsummary.format.keras;

import java.util.Map;
import java.util.Set;

/**
 * The variables Keras layers create with {@code trainable=False} (keras/src/layers): Keras counts them in
 * {@code non_trainable_weights} whatever the layer's {@code trainable} flag, and this reader lists them as
 * buffers. Keras 3 saves a layer's trainable variables first, then these.
 */
final class NonTrainable {
    /** Layer class to the names of its non-trainable weights (legacy {@code .h5} weight names). */
    private static final Map<String, Set<String>> BY_NAME = Map.of(
            "BatchNormalization", Set.of("moving_mean", "moving_variance"),
            "SyncBatchNormalization", Set.of("moving_mean", "moving_variance"),
            "Normalization", Set.of("mean", "variance", "count"),
            "SpectralNormalization", Set.of("vector_u", "sn_u"));

    /** Layer classes whose own variables are all non-trainable (Keras 3 files, numbered variables). */
    static final Set<String> ALL_VARIABLES = Set.of("Normalization");

    private NonTrainable() {
    }

    static boolean byName(String layerClass, String weightName) {
        return BY_NAME.getOrDefault(layerClass, Set.of()).contains(weightName);
    }
}
