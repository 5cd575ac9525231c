package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Weights;

/** The keyword arguments most torchvision builders share, declared once with torchvision's wording. */
public final class Args {
    /** Category counts of the datasets torchvision's weights were trained on ({@code len(meta["categories"])}). */
    public static final long IMAGENET = 1000;
    public static final long COCO = 91;
    public static final long COCO_KEYPOINTS = 2;
    public static final long VOC = 21;
    public static final long KINETICS400 = 400;

    private Args() {
    }

    /** {@code weights}: pretrained weights; they fix {@code num_classes} (and more, per builder). */
    public static Arg weights(Weights weights) {
        return Arg.weights("weights", weights, "pretrained weights (" + weights.className()
                + "); fixes num_classes to the weights' categories");
    }

    /** {@code progress}: a download progress bar; no effect on the tensors. */
    public static Arg progress() {
        return Arg.bool("progress", true, "download progress bar (no effect here: nothing is downloaded)");
    }

    /** {@code num_classes}: the classifier's output size. */
    public static Arg numClasses(long defaultValue) {
        return Arg.integer("num_classes", defaultValue, "number of output classes");
    }
}
