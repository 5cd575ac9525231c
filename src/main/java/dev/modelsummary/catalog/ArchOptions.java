package dev.modelsummary.catalog;

/**
 * Builder keyword arguments that change parameter shapes. A null field means "the builder's default", so
 * each builder keeps its own default ({@code image_size=224} for ViT, {@code num_classes=1000} for
 * classifiers) the way torchvision's {@code **kwargs} do.
 *
 * @param numClasses {@code num_classes}
 * @param imageSize  {@code image_size}, for architectures whose shapes depend on it
 */
public record ArchOptions(Long numClasses, Long imageSize) {
    public static final ArchOptions DEFAULTS = new ArchOptions(null, null);

    public ArchOptions {
        if (numClasses != null && numClasses < 1) {
            throw new IllegalArgumentException("num_classes must be positive, got " + numClasses);
        }
        if (imageSize != null && imageSize < 1) {
            throw new IllegalArgumentException("image_size must be positive, got " + imageSize);
        }
    }

    public long numClasses(long builderDefault) {
        return numClasses == null ? builderDefault : numClasses;
    }

    public long imageSize(long builderDefault) {
        return imageSize == null ? builderDefault : imageSize;
    }
}
