package dev.modelsummary.format.json;

import dev.modelsummary.text.Quote;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.io.RegionInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sharded checkpoint's index, {@code model.safetensors.index.json} as huggingface_hub and transformers write it:
 *
 * <pre>
 * {"metadata": {"total_size": 123, ...}, "weight_map": {"tensor name": "model-00001-of-00003.safetensors", ...}}
 * </pre>
 *
 * Only {@code weight_map} matters here; {@code metadata} and any other key are skipped. Shard names are paths
 * relative to the index's directory, and since the index is input like any other, a name that would leave that
 * directory is refused.
 *
 * @param weightMap tensor name to shard name, in the index's own key order
 */
public record ShardIndex(Map<String, String> weightMap) {
    /** The index (metadata, not tensor data), refused over the index-json-bytes limit, read as it is parsed. */
    public static ShardIndex read(Path indexFile, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(indexFile)) {
            long size = channel.size();
            if (size > Limits.current().get(Limit.INDEX_JSON_BYTES)) {
                throw new FormatException("Index is '" + size + "' bytes, over the limit of '"
                        + Limits.current().get(Limit.INDEX_JSON_BYTES) + "' bytes ("
                        + Limit.INDEX_JSON_BYTES.raise() + ").");
            }
            try (InputStream in = new BufferedInputStream(new RegionInputStream(channel, 0, size), 1 << 16)) {
                return read(in, size);
            }
        }
    }

    /** The index in {@code in}, {@code length} bytes of JSON, read as it is parsed. */
    public static ShardIndex read(InputStream in, long length) throws IOException {
        return StrictJson.read(in, length, "Index", 0, "Index ended early; it changed while being read.",
                ShardIndex::parse);
    }

    private static ShardIndex parse(JsonParser p) throws IOException {
        p.nextToken(); // START_OBJECT, or StrictJson.read refuses the text whatever this makes of it
        Map<String, String> weightMap = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (key.equals("weight_map")) {
                if (weightMap != null) {
                    throw new FormatException("Index has 'weight_map' twice.");
                }
                weightMap = readWeightMap(p);
            } else {
                p.skipChildren();
            }
        }
        if (weightMap == null) {
            throw new FormatException("Index has no 'weight_map'.");
        }
        return new ShardIndex(weightMap);
    }

    private static Map<String, String> readWeightMap(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new FormatException("Index has a 'weight_map' that is not an object.");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String tensor = StrictJson.wellFormed(p.currentName(), "Index has the tensor name");
            if (weightMap.size() == Limits.current().getInt(Limit.TENSORS)) {
                throw new FormatException("Index lists more than '" + Limits.current().getInt(Limit.TENSORS)
                        + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
            }
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new FormatException("Index maps tensor " + Quote.of(tensor) + " to " + Quote.of(p.getText())
                        + ", which is not a shard file name.");
            }
            if (weightMap.put(tensor, StrictJson.wellFormed(p.getText(), "Index has the shard name")) != null) {
                throw new FormatException("Index lists tensor " + Quote.of(tensor) + " twice.");
            }
        }
        return weightMap;
    }

    /**
     * Where shard {@code name} lives, refusing any name that could reach outside {@code directory}: absolute
     * paths (either separator, or a drive letter), URLs and other schemes, {@code ..} components, empty names and
     * names the file system cannot hold ({@link SiblingFiles#resolve}). Where symbolic links lead is checked when
     * the shard is opened.
     *
     * @param tensor a tensor the index assigns to this shard, for the message
     */
    public static Path resolveShard(Path directory, String name, String tensor) {
        Path shard = SiblingFiles.resolve(directory, name);
        if (shard != null) {
            return shard;
        }
        throw new FormatException("Index maps tensor " + Quote.of(tensor) + " to the shard path " + Quote.of(name)
                + ", which is not a file inside the index's directory.");
    }
}
