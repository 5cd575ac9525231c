package dev.modelsummary.source;

import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.format.SiblingFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Hugging Face {@code config.json} files given as the model: a {@code .json} file whose top-level object has a
 * {@code model_type} (and is no TF.js {@code model.json} or shard index), or a folder holding one.
 */
final class ConfigFiles {
    static final String CONFIG_JSON = "config.json";

    private ConfigFiles() {
    }

    /**
     * The config file {@code path} names (itself, or a folder's {@code config.json}), if it is one. A folder's
     * config.json that is a link leading outside the folder is refused ({@link SiblingFiles}).
     */
    static Optional<Path> configOf(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(CONFIG_JSON) : path;
        if (file != path) {
            SiblingFiles.checkInside(path, file, "The folder's " + CONFIG_JSON);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file) || !name.endsWith(".json") || name.endsWith(".index.json")
                || Files.size(file) > HfConfig.MAX_BYTES) {
            return Optional.empty();
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HfConfig.MAX_BYTES);
        }
        String text = new String(head, StandardCharsets.UTF_8);
        // A cheap look first: a weight reader's JSON (TF.js, shard indexes) has no model_type key
        return text.contains("\"model_type\"") && !text.contains("\"weightsManifest\"") ? Optional.of(file)
                : Optional.empty();
    }

    /** The model's name: the folder of a {@code config.json} ({@code Llama-2-7b-hf}), else the file's stem. */
    static String modelName(Path file) {
        String name = file.getFileName().toString();
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (name.equalsIgnoreCase(CONFIG_JSON) && parent != null && parent.getFileName() != null) {
            return parent.getFileName().toString();
        }
        return name.substring(0, name.length() - ".json".length());
    }
}
