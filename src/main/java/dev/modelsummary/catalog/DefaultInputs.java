package dev.modelsummary.catalog;

import dev.modelsummary.compute.ModelInput;
import java.util.Optional;

/**
 * The input a built-in runs on when the user names none, for builders that do not set their own: torchvision's
 * convention, a batch of one at the crop size of the weights asked for (else of the {@code DEFAULT} weights,
 * whose published {@code _ops} are counted there), and a 16-frame clip for video.
 */
final class DefaultInputs {
    /** The clip length torchvision's video weights are evaluated (and their {@code _ops} counted) at. */
    static final long VIDEO_FRAMES = 16;

    private DefaultInputs() {
    }

    static ModelInput of(Builder builder, Kwargs kwargs) {
        if (builder.anyKey()) {
            return ModelInput.text(1, ModelInput.DEFAULT_SEQ_LEN);
        }
        long channels = builder.takes("in_chans") ? kwargs.integer("in_chans") : 3;
        long size = imageSize(builder, kwargs);
        if (builder.task() == Task.VIDEO_CLASSIFICATION) {
            return ModelInput.video(channels, VIDEO_FRAMES, size, size);
        }
        return ModelInput.image(channels, size, size);
    }

    /** A model fixed to one size ({@code image_size}: ViT) runs at it; else the weights' crop. */
    private static long imageSize(Builder builder, Kwargs kwargs) {
        if (builder.takes("image_size")) {
            return kwargs.integer("image_size");
        }
        return weights(builder, kwargs).map(Weights.Member::cropSize).orElse(Weights.Member.DEFAULT_CROP);
    }

    private static Optional<Weights.Member> weights(Builder builder, Kwargs kwargs) {
        for (Arg arg : builder.args()) {
            if (arg.type() == ArgType.WEIGHTS && arg.name().equals("weights")) {
                Optional<Weights.Member> given = kwargs.weights(arg.name());
                return given.isPresent() ? given : arg.weights().find("DEFAULT");
            }
        }
        return Optional.empty();
    }
}
