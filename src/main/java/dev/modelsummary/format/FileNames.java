package dev.modelsummary.format;

import java.nio.file.Path;

/** How readers name a model after its file. */
public final class FileNames {
    private FileNames() {
    }

    /** The file name without its last extension: {@code vit_l_16.pth} gives {@code vit_l_16}; {@code .hidden} stays. */
    public static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
