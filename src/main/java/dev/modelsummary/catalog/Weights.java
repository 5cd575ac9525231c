package dev.modelsummary.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A torchvision {@code WeightsEnum} ({@code ResNet50_Weights}): its member names and the part of each member's
 * {@code meta} that a builder reads to shape the model (the number of categories, ViT's {@code min_size}).
 * No weights are ever downloaded or read; a member only says which architecture its weights imply.
 *
 * @param className   the enum's Python name, for messages ({@code ResNet50_Weights})
 * @param members     the members in declaration order
 * @param defaultName the member {@code DEFAULT} points to
 */
public record Weights(String className, List<Member> members, String defaultName) {

    /**
     * One member.
     *
     * @param name       its name ({@code IMAGENET1K_V2})
     * @param categories {@code len(meta["categories"])}, or 0 for weights without categories (optical flow)
     * @param minSize    {@code meta["min_size"][0]}: the image size the weights were trained at
     * @param cropSize   the crop size of the member's inference transforms ({@code crop_size}): the input size
     *                   its published {@code _ops} are counted at, and the size a model is run on by default
     */
    public record Member(String name, long categories, long minSize, long cropSize) {
        /** torchvision's {@code ImageClassification} default crop. */
        public static final long DEFAULT_CROP = 224;

        /** A member whose transforms crop torchvision's default 224. */
        public Member(String name, long categories, long minSize) {
            this(name, categories, minSize, DEFAULT_CROP);
        }

        public Member withCropSize(long size) {
            return new Member(name, categories, minSize, size);
        }
    }

    public Weights {
        members = List.copyOf(members);
        String wanted = defaultName;
        if (members.stream().noneMatch(m -> m.name().equals(wanted))) {
            throw new IllegalArgumentException(className + ": DEFAULT names no member: " + defaultName);
        }
    }

    /** A builder for an enum whose members all share one category count and image size. */
    public static Weights of(String className, long categories, long minSize, String defaultName,
                             String... names) {
        List<Member> members = new ArrayList<>();
        for (String name : names) {
            members.add(new Member(name, categories, minSize));
        }
        return new Weights(className, members, defaultName);
    }

    /** These weights with every member's transforms cropping {@code size} (video clips: 112). */
    public Weights withCropSize(long size) {
        return new Weights(className, members.stream().map(m -> m.withCropSize(size)).toList(), defaultName);
    }

    /** These weights with the member {@code name}'s transforms cropping {@code size}. */
    public Weights withCropSize(String name, long size) {
        if (members.stream().noneMatch(m -> m.name().equals(name))) {
            throw new IllegalArgumentException(className + " has no member " + name);
        }
        return new Weights(className, members.stream()
                .map(m -> m.name().equals(name) ? m.withCropSize(size) : m).toList(), defaultName);
    }

    /**
     * The member a command-line value names, as {@code WeightsEnum.verify} resolves a string: a member name,
     * {@code DEFAULT}, or either prefixed with the class name ({@code ResNet50_Weights.IMAGENET1K_V1}).
     * Case is ignored.
     */
    public Optional<Member> find(String value) {
        String name = value.startsWith(className + ".") ? value.substring(className.length() + 1) : value;
        String wanted = name.equalsIgnoreCase("DEFAULT") ? defaultName : name;
        return members.stream().filter(m -> m.name().equalsIgnoreCase(wanted)).findFirst();
    }

    /** Member names, then {@code DEFAULT}, as a user may spell them. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        members.forEach(m -> names.add(m.name()));
        names.add("DEFAULT");
        return names;
    }

    @Override
    public String toString() {
        return className + " (" + String.join(", ", names()).toUpperCase(Locale.ROOT) + ")";
    }
}
