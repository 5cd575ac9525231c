package dev.modelsummary.format.keras;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
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

    /**
     * The root object's {@code class_name} (empty when none), the layers by name (the first of a name kept), and
     * the layers by the HDF5 group path Keras 3's saving_lib gives them ({@code layers/dense_1},
     * {@code layers/functional/layers/conv2d}): the snake-case class name, numbered per model from {@code _1}
     * on, for the layers of each model's {@code layers} list in order. Files from Keras versions that do not
     * write the {@code vars} group's {@code name} attribute are matched by that path.
     */
    record Parsed(String rootClass, Map<String, Layer> layers, Map<String, Layer> byPath) {
        Parsed(String rootClass, Map<String, Layer> layers) {
            this(rootClass, layers, Map.of());
        }
    }

    /** No config: no layers. */
    static final Parsed NONE = new Parsed("", Map.of(), Map.of());

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
        /** Found directly in a {@code layers} list (a model's own layers, the ones saving_lib names by path). */
        boolean listed;

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
        boolean layersList; // an array, the value of a config's "layers" field
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
        long maxLayers = Limits.current().getInt(Limit.HDF5_GROUPS);
        int maxDepth = Limits.current().getInt(Limit.HDF5_GROUP_DEPTH) * 4; // a layer nests in a few objects and arrays
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
                                + " (" + Limit.HDF5_GROUP_DEPTH.raise() + ").");
                    }
                    boolean config = token == JsonToken.START_OBJECT && top.object && "config".equals(top.field);
                    Frame frame = new Frame(token == JsonToken.START_OBJECT, config);
                    frame.layersList = token == JsonToken.START_ARRAY && top.isConfig && "layers".equals(top.field);
                    open.push(frame);
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
                                    + " layers (" + Limit.HDF5_GROUPS.raise() + ").");
                        }
                        Draft layer = new Draft(interned.computeIfAbsent(done.className, k -> k), done.name,
                                done.trainable == null || done.trainable, done.center == null || done.center,
                                done.scale == null || done.scale, done.layers == null ? List.of() : done.layers);
                        layer.listed = parent.layersList;
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
        Map<String, Layer> byPath = new HashMap<>();
        if (root.layers != null) {
            for (Draft layer : root.layers) {
                flatten(layer, true, layers, byPath);
            }
        }
        return new Parsed(rootClass, layers, byPath);
    }

    /**
     * Pre-order, iteratively (a config may nest models deeply): the first layer of a name is kept. The root
     * layer's path is empty; a model's listed layers are at {@code <path>/layers/<snake_case class>[_n]}.
     */
    private static void flatten(Draft top, boolean enclosingTrainable, Map<String, Layer> layers,
                                Map<String, Layer> byPath) {
        record Pending(Draft layer, boolean enclosingTrainable, String path) {
        }
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(top, enclosingTrainable, ""));
        while (!pending.isEmpty()) {
            Pending next = pending.pop();
            Draft layer = next.layer();
            boolean trainable = layer.trainable && next.enclosingTrainable();
            Layer done = new Layer(layer.className, layer.name, trainable, layer.center, layer.scale);
            layers.putIfAbsent(layer.name, done);
            if (!next.path().isEmpty()) {
                byPath.putIfAbsent(next.path(), done);
            }
            Map<String, Integer> used = new HashMap<>();
            List<Pending> children = new ArrayList<>();
            for (Draft child : layer.children) {
                String path = "";
                if (child.listed) {
                    String snake = snakeCase(child.className);
                    int n = used.merge(snake, 1, Integer::sum) - 1;
                    path = (next.path().isEmpty() ? "" : next.path() + "/") + "layers/" + (n == 0 ? snake : snake + "_" + n);
                }
                children.add(new Pending(child, trainable, path));
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                pending.push(children.get(i));
            }
        }
    }

    /** keras.src.utils.naming.to_snake_case: {@code Conv2D} to {@code conv2d}, {@code DTypePolicy} to {@code d_type_policy}. */
    static String snakeCase(String className) {
        String name = className.replaceAll("\\W+", "");
        name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
