package dev.modelsummary.format.keras;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of a Keras model config ({@code config.json} in a {@code .keras} archive, the {@code model_config}
 * attribute of a legacy {@code .h5}), read as a token stream: only the layers are kept, never a tree of the
 * whole document (a 64 MiB {@code [{},{},...]} read into a tree took 3.3 GB).
 *
 * <p>A layer is any object with a text {@code class_name} and an object {@code config} holding a text
 * {@code name}, at any depth (the layers of a Sequential or Functional model, and of models nested in them).
 * A layer's weights are trainable only when its own {@code trainable} and that of every layer enclosing it are
 * (Keras's {@code Layer.trainable} setter sets it on every sublayer, and {@code trainable_weights} of a frozen
 * layer is empty).
 */
final class KerasConfig {
    /** One layer: what the roles need. {@code trainable} already folds in the enclosing layers'. */
    record Layer(String className, String name, boolean trainable, boolean center, boolean scale) {
    }

    /** The root object's {@code class_name} (empty when none) and the layers by name, the first of a name kept. */
    record Parsed(String rootClass, Map<String, Layer> layers) {
    }

    /** Loaded with the first Keras archive or legacy config read, not at start-up. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build();

    private KerasConfig() {
    }

    /** A layer while its object is still open, or closed and waiting to be placed in the one enclosing it. */
    private static final class Draft {
        final String className;
        final String name;
        final boolean trainable;
        final boolean center;
        final boolean scale;
        final List<Draft> children;

        Draft(String className, String name, boolean trainable, boolean center, boolean scale, List<Draft> children) {
            this.className = className;
            this.name = name;
            this.trainable = trainable;
            this.center = center;
            this.scale = scale;
            this.children = children;
        }
    }

    /** An open object or array. */
    private static final class Frame {
        final boolean object;
        final boolean isConfig; // the value of a "config" field
        String field;
        String className;
        // of this object's "config" (when this object is a layer), or of this object itself when it is a config
        String name;
        Boolean trainable;
        Boolean center;
        Boolean scale;
        List<Draft> layers; // layers found inside, not yet placed in a layer

        Frame(boolean object, boolean isConfig) {
            this.object = object;
            this.isConfig = isConfig;
        }

        void addAll(List<Draft> more) {
            if (more != null && !more.isEmpty()) {
                if (layers == null) {
                    layers = new ArrayList<>();
                }
                layers.addAll(more);
            }
        }
    }

    static Parsed read(InputStream in, String what) throws IOException {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return read(parser, what);
        }
    }

    static Parsed read(String text, String what) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return read(parser, what);
        }
    }

    private static Parsed read(JsonParser parser, String what) throws IOException {
        long maxLayers = Limits.current().hdf5Groups();
        int maxDepth = Limits.current().hdf5GroupDepth() * 4; // a layer nests in a few objects and arrays
        Deque<Frame> open = new ArrayDeque<>();
        Frame root = new Frame(false, false);
        String rootClass = "";
        Map<String, String> interned = new HashMap<>();
        long layerCount = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
            Frame top = open.isEmpty() ? root : open.peek();
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (open.size() >= maxDepth) {
                        throw new FormatException(what + " nests deeper than " + maxDepth
                                + " (raise with --limit hdf5-group-depth=N).");
                    }
                    boolean config = token == JsonToken.START_OBJECT && top.object && "config".equals(top.field);
                    open.push(new Frame(token == JsonToken.START_OBJECT, config));
                }
                case FIELD_NAME -> top.field = parser.currentName();
                case END_OBJECT, END_ARRAY -> {
                    Frame done = open.pop();
                    Frame parent = open.isEmpty() ? root : open.peek();
                    if (done.isConfig) {
                        parent.name = done.name;
                        parent.trainable = done.trainable;
                        parent.center = done.center;
                        parent.scale = done.scale;
                        parent.addAll(done.layers);
                    } else if (done.object && done.className != null && done.name != null) {
                        if (++layerCount > maxLayers) {
                            throw new FormatException(what + " declares more than " + maxLayers
                                    + " layers (raise with --limit hdf5-groups=N).");
                        }
                        Draft layer = new Draft(interned.computeIfAbsent(done.className, k -> k), done.name,
                                done.trainable == null || done.trainable, done.center == null || done.center,
                                done.scale == null || done.scale, done.layers == null ? List.of() : done.layers);
                        parent.addAll(List.of(layer));
                    } else {
                        parent.addAll(done.layers);
                    }
                    if (open.isEmpty() && done.object && done.className != null) {
                        rootClass = done.className;
                    }
                }
                case VALUE_STRING -> {
                    if (top.object && "class_name".equals(top.field)) {
                        top.className = parser.getText();
                    } else if (top.isConfig && "name".equals(top.field)) {
                        top.name = parser.getText();
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    if (top.isConfig && top.field != null) {
                        boolean value = token == JsonToken.VALUE_TRUE;
                        switch (top.field) {
                            case "trainable" -> top.trainable = value;
                            case "center" -> top.center = value;
                            case "scale" -> top.scale = value;
                            default -> {
                            }
                        }
                    }
                }
                default -> {
                }
            }
        }
        Map<String, Layer> layers = new LinkedHashMap<>();
        if (root.layers != null) {
            for (Draft layer : root.layers) {
                flatten(layer, true, layers);
            }
        }
        return new Parsed(rootClass, layers);
    }

    /** Pre-order, iteratively (a config may nest models deeply): the first layer of a name is kept. */
    private static void flatten(Draft top, boolean enclosingTrainable, Map<String, Layer> layers) {
        Deque<Object[]> pending = new ArrayDeque<>();
        pending.push(new Object[] {top, enclosingTrainable});
        while (!pending.isEmpty()) {
            Object[] next = pending.pop();
            Draft layer = (Draft) next[0];
            boolean trainable = layer.trainable && (Boolean) next[1];
            layers.putIfAbsent(layer.name, new Layer(layer.className, layer.name, trainable, layer.center,
                    layer.scale));
            for (int i = layer.children.size() - 1; i >= 0; i--) {
                pending.push(new Object[] {layer.children.get(i), trainable});
            }
        }
    }
}
