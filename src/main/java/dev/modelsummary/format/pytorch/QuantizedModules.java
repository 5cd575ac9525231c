package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.model.DType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code state_dict()} of an eager-mode quantized module pickled whole ({@code torch.save(qmodel)}) holds
 * that its {@code _parameters} and {@code _buffers} do not: these modules write their own entries in
 * {@code _save_to_state_dict} (torch/ao/nn/quantized/modules/conv.py, linear.py, functional_modules.py).
 * <ul>
 *   <li>A quantized conv ({@code _ConvNd}) pickles no attribute dict but {@code __getstate__}'s tuple
 *   {@code (in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
 *   groups, padding_mode, weight, bias, scale, zero_point, training)}; its state dict is {@code weight},
 *   {@code bias}, {@code scale}, {@code zero_point}.</li>
 *   <li>A quantized Linear (static, dynamic, or fused with an activation) and {@code QFunctional} write
 *   {@code scale} and {@code zero_point}, Python numbers in the pickle, as {@code torch.tensor(number)}: a float32
 *   and an int64 scalar.</li>
 *   <li>{@code LinearPackedParams} writes {@code dtype} (no tensor) and {@code _packed_params}, its packed
 *   weight and bias: the pickled {@code torch.ScriptObject}'s state is {@code ((weight, bias), class name)}.</li>
 *   <li>{@code EmbeddingPackedParams} (quantized Embedding and EmbeddingBag) writes {@code dtype} and
 *   {@code _packed_weight}, the weight its ScriptObject's state {@code ((version, [weight], [...], [...]), class
 *   name)} holds.</li>
 * </ul>
 */
final class QuantizedModules {
    private static final List<String> PACKAGES = List.of("torch.ao.nn.quantized.", "torch.nn.quantized.",
            "torch.ao.nn.intrinsic.quantized.", "torch.nn.intrinsic.quantized.");
    /** Classes whose {@code _save_to_state_dict} adds {@code scale} and {@code zero_point}. */
    private static final Set<String> SCALE_WRITERS = Set.of("Linear", "LinearReLU", "LinearLeakyReLU",
            "LinearTanh", "QFunctional");
    private static final String PACKED_PARAMS = "LinearPackedParams";
    private static final String EMBEDDING_PACKED_PARAMS = "EmbeddingPackedParams";
    private static final int CONV_STATE_ITEMS = 15;
    private static final int CONV_WEIGHT = 10;

    private QuantizedModules() {
    }

    private static String quantizedClass(PyObject object) {
        if (object.type() instanceof PyGlobal g) {
            String name = g.qualifiedName();
            // reference quantized modules (torch.ao.nn.quantized.reference) are float modules with real parameters
            if (PACKAGES.stream().anyMatch(name::startsWith) && !name.contains(".reference.")) {
                return name.substring(name.lastIndexOf('.') + 1);
            }
        }
        return null;
    }

    /** The entries a quantized module (with an attribute dict) writes besides its parameters and buffers. */
    static List<Map.Entry<String, Object>> extraState(PyObject module) {
        String cls = quantizedClass(module);
        if (cls == null || !(module.state() instanceof Map<?, ?> attributes)) {
            return List.of();
        }
        List<Map.Entry<String, Object>> extra = new ArrayList<>();
        if (SCALE_WRITERS.contains(cls)) {
            Object scale = attributes.get("scale");
            Object zeroPoint = attributes.get("zero_point");
            if (isNumber(scale) && isNumber(zeroPoint)) {
                extra.add(Map.entry("scale", scalar(DType.FLOAT32)));
                extra.add(Map.entry("zero_point", scalar(DType.INT64)));
            }
        }
        if (cls.equals(PACKED_PARAMS) && scriptObjectState(attributes.get("_packed_params"))
                instanceof PyTuple weightBias) {
            extra.add(Map.entry("_packed_params", weightBias));
        }
        // (version, [weight], [doubles], [longs]): EmbeddingPackedParamsBase's state; _weight() is the tensor
        if (cls.equals(EMBEDDING_PACKED_PARAMS)
                && scriptObjectState(attributes.get("_packed_weight")) instanceof PyTuple packed
                && packed.size() > 1 && packed.get(1) instanceof List<?> tensors && !tensors.isEmpty()
                && tensors.get(0) instanceof TorchTensor weight) {
            extra.add(Map.entry("_packed_weight", weight));
        }
        return extra;
    }

    /** The state of a pickled {@code torch.ScriptObject}, {@code (state, class name)}: its first item, or null. */
    private static Object scriptObjectState(Object value) {
        return value instanceof PyObject object && object.state() instanceof PyTuple state && state.size() == 2
                && state.get(1) instanceof String ? state.get(0) : null;
    }

    /** A quantized conv's state dict from its {@code __getstate__} tuple, or null when it is not one. */
    static List<Map.Entry<String, Object>> convState(PyObject object) {
        String cls = quantizedClass(object);
        if (cls == null || !cls.contains("Conv") || !(object.state() instanceof PyTuple state)
                || state.size() != CONV_STATE_ITEMS || !(state.get(CONV_WEIGHT) instanceof TorchTensor)) {
            return null;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        entries.add(Map.entry("weight", state.get(CONV_WEIGHT)));
        if (state.get(CONV_WEIGHT + 1) != null) {
            entries.add(Map.entry("bias", state.get(CONV_WEIGHT + 1)));
        }
        if (isNumber(state.get(CONV_WEIGHT + 2)) && isNumber(state.get(CONV_WEIGHT + 3))) {
            entries.add(Map.entry("scale", scalar(DType.FLOAT32)));
            entries.add(Map.entry("zero_point", scalar(DType.INT64)));
        }
        return entries;
    }

    private static boolean isNumber(Object value) {
        return value instanceof Double || value instanceof Long || value instanceof BigInteger;
    }

    /** {@code torch.tensor(number)}: a scalar with no storage in the file. */
    private static TorchTensor scalar(DType dtype) {
        return new TorchTensor(null, dtype, 0, new long[0], new long[0], false, false);
    }
}
