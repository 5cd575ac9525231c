package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.Budget;
import dev.modelsummary.format.pickle.PickleSafety;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.format.pickle.StandIn;
import dev.modelsummary.model.DType;
import dev.modelsummary.text.Quote;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * torch's weights-only allowlist ({@code torch/_weights_only_unpickler.py}, formats.md 2.4) as Java stand-ins:
 * the tensor rebuild functions become {@link TorchTensor} records, {@code nn.Parameter} marks a tensor as a
 * parameter, and dtypes, storage classes, tensor classes and qschemes are known symbols. Everything else a pickle
 * names is an inert placeholder (with a warning).
 */
final class TorchGlobals {
    private static final String UTILS = "torch._utils.";

    /** {@code torch.storage._dtype_to_storage_type_map}: legacy typed storage class -> dtype (formats.md 2.3). */
    private static final Map<String, DType> STORAGE_DTYPES = Map.ofEntries(
            Map.entry("DoubleStorage", DType.FLOAT64),
            Map.entry("FloatStorage", DType.FLOAT32),
            Map.entry("HalfStorage", DType.FLOAT16),
            Map.entry("BFloat16Storage", DType.BFLOAT16),
            Map.entry("LongStorage", DType.INT64),
            Map.entry("IntStorage", DType.INT32),
            Map.entry("ShortStorage", DType.INT16),
            Map.entry("CharStorage", DType.INT8),
            Map.entry("ByteStorage", DType.UINT8),
            Map.entry("BoolStorage", DType.BOOL),
            Map.entry("ComplexDoubleStorage", DType.COMPLEX128),
            Map.entry("ComplexFloatStorage", DType.COMPLEX64),
            Map.entry("QInt8Storage", DType.QINT8),
            Map.entry("QUInt8Storage", DType.QUINT8),
            Map.entry("QInt32Storage", DType.QINT32),
            Map.entry("QUInt4x2Storage", DType.QUINT4X2),
            Map.entry("QUInt2x4Storage", DType.QUINT2X4));

    /** Byte storages: their numel counts bytes and the dtype comes from {@code _rebuild_tensor_v3}. */
    private static final Set<String> UNTYPED_STORAGES = Set.of(
            "torch.storage.UntypedStorage", "torch.UntypedStorage", "torch.cuda.UntypedStorage",
            "torch.storage.TypedStorage", "torch.TypedStorage");

    /** Every dtype symbol {@code torch.<name>}: DType's names plus the sub-byte ints torch ≥ 2.3 allowlists. */
    private static final Set<String> DTYPES = Stream.concat(
            Stream.of(DType.values()).filter(DType::isTorchDtype).map(DType::torchName),
            Stream.of("uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
                    "int1", "int2", "int3", "int4", "int5", "int6", "int7"))
            .map(name -> "torch." + name).collect(Collectors.toUnmodifiableSet());

    private static final String NJT = "torch.nested._internal.nested_tensor.";

    private static final Set<String> SYMBOLS = Set.of(
            "torch.Tensor", "torch.device", "torch.serialization._get_layout",
            // what torch._dynamo.mark_dynamic leaves on a jagged nested tensor's inner tensors:
            // torch.load(weights_only=True) accepts it, as it does NestedTensor, once torch.nested is imported
            "torch._dynamo.decorators._DimRange",
            "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
            "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams");

    /**
     * Packages whose module classes a whole-model {@code torch.save} names: torch's own layers (torch ≥ 2.0 keeps
     * the quantized ones under torch.ao.nn, 1.x under torch.nn.quantized/intrinsic/qat), torchvision's models
     * and the layers they are built of (torchvision.ops.misc.Conv2dNormActivation), timm's models and layers, and
     * transformers' modeling files (only those: a tokenizer or processor class reads the files its arguments name).
     */
    private static final java.util.List<String> MODULE_CLASS_PACKAGES = java.util.List.of(
            "torch.nn.modules.", "torch.ao.nn.", "torch.nn.quantized.", "torch.nn.intrinsic.", "torch.nn.qat.",
            "torchvision.models.", "torchvision.ops.", "timm.models.", "timm.layers.", "transformers.models.");

    private static final java.util.regex.Pattern MODULE_PART = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile("[A-Z][A-Za-z0-9_]+");

    static final Allowlist ALLOWLIST = builder().build();

    /** The allowlist still open to additions (TorchScript archives add their own symbols). */
    static Allowlist.Builder builder() {
        return Allowlist.python()
                .names(DTYPES::contains)
                .names(SYMBOLS::contains)
                .names(UNTYPED_STORAGES::contains)
                .names(name -> storageDType(name).isPresent())
                .names(TorchGlobals::isTensorClass)
                .names(TorchGlobals::isInertModuleClass)
                .call("torch.Size", TorchGlobals::size)
                .call("torch.nn.parameter.Parameter", TorchGlobals::parameter)
                .call(UTILS + "_rebuild_tensor", TorchGlobals::rebuildTensor)
                .call(UTILS + "_rebuild_tensor_v2", TorchGlobals::rebuildTensorV2)
                .call(UTILS + "_rebuild_tensor_v3", TorchGlobals::rebuildTensorV3)
                .call(UTILS + "_rebuild_parameter", TorchGlobals::rebuildParameter)
                .call(UTILS + "_rebuild_parameter_with_state", TorchGlobals::rebuildParameter)
                .call(UTILS + "_rebuild_qtensor", TorchGlobals::rebuildQTensor)
                .call(UTILS + "_rebuild_meta_tensor_no_storage", TorchGlobals::rebuildMetaTensor)
                .call(UTILS + "_rebuild_wrapper_subclass", TorchGlobals::rebuildWrapperSubclass)
                .call(UTILS + "_rebuild_device_tensor_from_cpu_tensor", TorchGlobals::rebuildFromCpuTensor)
                .call(UTILS + "_rebuild_device_tensor_from_numpy", TorchGlobals::rebuildFromNumpy)
                .call(UTILS + "_rebuild_sparse_tensor", TorchGlobals::rebuildSparseTensor)
                .call(UTILS + "_rebuild_nested_tensor", TorchGlobals::rebuildNestedTensor)
                .call(NJT + "_rebuild_njt", TorchGlobals::rebuildJagged)
                .call(NJT + "NestedTensor", TorchGlobals::jaggedFromArgs)
                .call("torch._tensor._rebuild_from_type_v2", TorchGlobals::rebuildFromType);
    }

    private TorchGlobals() {
    }

    /**
     * The dtype of a storage class a persistent id names: empty for untyped (byte) storages.
     *
     * @throws FormatException when the global is not a torch storage class
     */
    static Optional<DType> storageDTypeOf(Object storageType) {
        if (!(storageType instanceof PyGlobal g)) {
            throw new FormatException("Persistent id names a " + Quote.of(PyTypes.of(storageType))
                    + " as its storage type, which is not a torch storage class.");
        }
        Optional<DType> dtype = storageDType(g.qualifiedName());
        if (dtype.isPresent() || UNTYPED_STORAGES.contains(g.qualifiedName())) {
            return dtype;
        }
        throw new FormatException("Persistent id names storage type " + Quote.of(g)
                + ", which is not a torch storage class.");
    }

    /**
     * The storage a persistent id names. A {@code torch.<Name>Storage} class this tool does not know (a newer
     * torch's) is kept with its name and no element size: the tensors on it are named and left out, not refused.
     *
     * @param recordBytes the bytes of its ZIP record, or -1
     * @throws FormatException when the global is not a torch storage class
     */
    static TorchStorage storageOf(Object storageType, String key, long numel, String location, long recordBytes) {
        if (storageType instanceof PyGlobal g && storageDType(g.qualifiedName()).isEmpty()
                && !UNTYPED_STORAGES.contains(g.qualifiedName()) && isStorageClassName(g.qualifiedName())) {
            return new TorchStorage(key, null, numel, location, g.qualifiedName(), recordBytes);
        }
        return new TorchStorage(key, storageDTypeOf(storageType).orElse(null), numel, location, null, recordBytes);
    }

    /** {@code torch.<Name>Storage} or {@code torch.cuda.<Name>Storage}, a plain identifier for Name. */
    private static boolean isStorageClassName(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        String module = qualifiedName.substring(0, Math.max(dot, 0));
        String name = qualifiedName.substring(dot + 1);
        return (module.equals("torch") || module.equals("torch.cuda")) && name.matches("[A-Z][A-Za-z0-9]{0,40}Storage");
    }

    /** {@code torch.FloatStorage} and {@code torch.cuda.FloatStorage} alike. */
    private static Optional<DType> storageDType(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        String module = qualifiedName.substring(0, Math.max(dot, 0));
        if (!module.equals("torch") && !module.equals("torch.cuda")) {
            return Optional.empty();
        }
        return Optional.ofNullable(STORAGE_DTYPES.get(qualifiedName.substring(dot + 1)));
    }

    /** {@code torch._tensor_classes}: torch.FloatTensor, torch.cuda.HalfTensor, ... */
    private static boolean isTensorClass(String qualifiedName) {
        return (qualifiedName.startsWith("torch.") && qualifiedName.indexOf('.', 6) < 0
                || qualifiedName.startsWith("torch.cuda.") && qualifiedName.indexOf('.', 11) < 0)
                && qualifiedName.endsWith("Tensor");
    }

    /**
     * A layer class of a known model library, such as {@code torch.nn.modules.conv.Conv2d} or
     * {@code torchvision.models.resnet.BasicBlock}: what a whole-module {@code torch.save} names for every layer.
     * Python rebuilds one with {@code cls.__new__} and the library's own {@code __setstate__} over the pickled
     * attribute dict, which runs no code from the file; here it is only ever an inert stand-in, never executed.
     * So these are not news (no unknown-global warning) and the scan calls them allowed, as fickling's ML
     * allowlist calls torch.nn's layers safe.
     *
     * <p>The rule, by the name alone: the module is under one of {@link #MODULE_CLASS_PACKAGES} and every part of
     * it is a plain lower-case package name (no {@code _private} or {@code __dunder__} part, so no
     * {@code __main__} or {@code _utils}); under transformers the module is a {@code modeling_*} file; the name
     * is one CamelCase class name (no dots, so no method such as {@code AutoModel.from_pretrained}, and not a
     * one-letter alias such as {@code conv.F}, which is torch.nn.functional); and nothing in it is dangerous by
     * its name ({@link PickleSafety#isDangerousByName}), which always wins.
     */
    static boolean isInertModuleClass(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String module = qualifiedName.substring(0, dot);
        String name = qualifiedName.substring(dot + 1);
        String prefix = MODULE_CLASS_PACKAGES.stream().filter(p -> qualifiedName.startsWith(p)).findFirst()
                .orElse(null);
        if (prefix == null || module.length() < prefix.length() || !CLASS_NAME.matcher(name).matches()) {
            return false;
        }
        String[] parts = module.split("\\.", -1);
        for (String part : parts) {
            if (!MODULE_PART.matcher(part).matches()) {
                return false;
            }
        }
        if (prefix.equals("transformers.models.") && !parts[parts.length - 1].startsWith("modeling_")) {
            return false;
        }
        return !PickleSafety.isDangerousByName(module, name);
    }

    /** {@code torch.Size(tuple)} is the tuple. */
    private static Object size(PyGlobal callee, PyTuple args, Budget budget) {
        return args.size() == 1 && args.get(0) instanceof PyTuple dims ? dims : new PyObject(callee, args);
    }

    /** {@code Parameter(data, requires_grad=True)}, as NEWOBJ builds it. */
    private static Object parameter(PyGlobal callee, PyTuple args, Budget budget) {
        if (args.size() == 0 || !(args.get(0) instanceof TorchTensor)) {
            return new PyObject(callee, args);
        }
        CallArgs a = new CallArgs(callee, args, budget, 1);
        return a.tensor(0).asParameter(a.size() < 2 || a.flag(1));
    }

    /** {@code _rebuild_tensor(storage, storage_offset, size, stride)}. */
    private static Object rebuildTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 4);
        TorchStorage storage = a.storage(0);
        return strided(a, storage, storage.dtype(), false);
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private static Object rebuildTensorV2(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 6);
        TorchStorage storage = a.storage(0);
        return strided(a, storage, storage.dtype(), a.flag(4));
    }

    /**
     * {@code _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[,
     * metadata])}: an untyped storage, the dtype given; the offset counts elements of that dtype.
     */
    private static Object rebuildTensorV3(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 7);
        String unknown = a.unknownDtype(6);
        if (unknown == null) {
            return strided(a, a.storage(0), a.dtype(6), a.flag(4));
        }
        TorchTensor bytes = strided(a, a.storage(0), DType.UINT8, a.flag(4));
        return new TorchTensor(bytes.storage(), DType.UINT8, bytes.storageOffset(), bytes.size(), bytes.stride(),
                bytes.requiresGrad(), false, TorchTensor.Layout.STRIDED, unknown);
    }

    /** {@code _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad, hooks)}. */
    private static Object rebuildQTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 6);
        TorchStorage storage = a.storage(0);
        return strided(a, storage, storage.dtype(), a.flag(5));
    }

    /** Arguments 2 to 4 of every strided rebuild: storage_offset, size, stride. */
    private static TorchTensor strided(CallArgs a, TorchStorage storage, DType dtype, boolean requiresGrad) {
        long offset = a.index(1);
        long[] size = a.dims(2);
        long[] stride = a.dims(3);
        a.requireSameRank(size, stride);
        if (dtype == null && !storage.known()) {
            return new TorchTensor(storage, DType.UINT8, offset, size, stride, requiresGrad, false,
                    TorchTensor.Layout.STRIDED, storage.unknownType());
        }
        // An untyped storage under a v2 call holds bytes: read it as uint8, as torch would.
        return new TorchTensor(storage, dtype == null ? DType.UINT8 : dtype, offset, size, stride, requiresGrad,
                false);
    }

    /** {@code _rebuild_parameter(tensor, requires_grad, backward_hooks)} and {@code ..._with_state(..., state)}. */
    private static Object rebuildParameter(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 2);
        // A tensor some unknown rebuild function made is an inert object: so is the Parameter around it.
        return a.get(0) instanceof TorchTensor tensor ? tensor.asParameter(a.flag(1)) : new PyObject(callee, args);
    }

    /** {@code _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad)}: a shape, no data. */
    private static Object rebuildMetaTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 3);
        long[] size = a.dims(1);
        long[] stride = a.dims(2);
        a.requireSameRank(size, stride);
        String unknown = a.unknownDtype(0);
        return new TorchTensor(null, unknown == null ? a.dtype(0) : DType.UINT8, 0, size, stride,
                a.size() > 3 && a.flag(3), false, TorchTensor.Layout.STRIDED, unknown);
    }

    /** {@code _rebuild_wrapper_subclass(cls, dtype, size, stride, storage_offset, layout, device, requires_grad)}. */
    private static Object rebuildWrapperSubclass(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 8);
        long[] size = a.dims(2);
        long[] stride = a.dims(3);
        a.requireSameRank(size, stride);
        String unknown = a.unknownDtype(1);
        return new TorchTensor(null, unknown == null ? a.dtype(1) : DType.UINT8, a.index(4), size, stride, a.flag(7),
                false, TorchTensor.Layout.STRIDED, unknown);
    }

    /** {@code _rebuild_device_tensor_from_cpu_tensor(cpu_tensor, dtype, device, requires_grad)}: the CPU tensor. */
    private static Object rebuildFromCpuTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 1);
        if (!(a.get(0) instanceof TorchTensor tensor)) {
            return new PyObject(callee, args);
        }
        return a.size() > 3 ? tensor.withRequiresGrad(a.flag(3)) : tensor;
    }

    /**
     * {@code _rebuild_device_tensor_from_numpy(ndarray, dtype, device, requires_grad)}. The ndarray is an inert
     * numpy object whose BUILD state is {@code (version, shape, dtype, is_fortran, data)}: its shape is kept.
     */
    private static Object rebuildFromNumpy(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 2);
        if (a.get(0) instanceof PyObject array && array.state() instanceof PyTuple state && state.size() > 1
                && state.get(1) instanceof PyTuple) {
            long[] size = new CallArgs(callee, state, budget, 2).dims(1);
            return new TorchTensor(null, a.dtype(1), 0, size, contiguousStrides(size, budget),
                    a.size() > 3 && a.flag(3), false);
        }
        return new PyObject(callee, args);
    }

    /**
     * {@code _rebuild_sparse_tensor(layout, data)}: COO data is {@code (indices, values, size, ...)}, the
     * compressed layouts {@code (compressed_indices, plain_indices, values, size)}. Reported with its dense size
     * and the values' dtype; it has no single storage.
     */
    private static Object rebuildSparseTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 2);
        if (!(a.get(1) instanceof PyTuple data)) {
            return new PyObject(callee, args);
        }
        boolean coo = a.get(0) instanceof PyObject layout && layout.args().size() > 0
                && layout.args().get(0) instanceof String name && name.contains("coo");
        int valuesAt = coo ? 1 : 2;
        if (data.size() <= valuesAt + 1 || !(data.get(valuesAt) instanceof TorchTensor values)) {
            return new PyObject(callee, args);
        }
        long[] size = new CallArgs(callee, data, budget, valuesAt + 2).dims(valuesAt + 1);
        return new TorchTensor(null, values.dtype(), 0, size, contiguousStrides(size, budget), false, false,
                TorchTensor.Layout.STRIDED, values.unknownDtype());
    }

    /**
     * {@code _rebuild_nested_tensor(values, nested_size, nested_strides, storage_offsets)}: a strided nested
     * tensor (torch 2.x {@code Tensor._reduce_ex_internal}). One tensor, shown by its packed values buffer; the
     * per-component sizes are tensors whose data is never read.
     */
    private static Object rebuildNestedTensor(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 4);
        if (!(a.get(0) instanceof TorchTensor values) || values.nested()) {
            return new PyObject(callee, args);
        }
        return values.asNested(TorchTensor.Layout.NESTED_STRIDED, values.requiresGrad());
    }

    /**
     * {@code _rebuild_njt(constructor_kwargs)}, called through {@code _rebuild_from_type_v2} (torch 2.x
     * {@code NestedTensor.__reduce_ex__}): a jagged nested tensor, shown by its {@code values}; its offsets,
     * lengths and cached min/max sequence lengths are part of it, not tensors of their own.
     */
    private static Object rebuildJagged(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 1);
        if (!(a.get(0) instanceof Map<?, ?> kwargs) || !(kwargs.get("values") instanceof TorchTensor values)
                || values.nested()) {
            return new PyObject(callee, args);
        }
        Object requiresGrad = kwargs.get("requires_grad");
        return values.asNested(TorchTensor.Layout.NESTED_JAGGED, Boolean.TRUE.equals(requiresGrad));
    }

    /**
     * {@code NestedTensor(values, offsets, ...)}, the {@code func} torch 2.1's {@code NestedTensor.__reduce_ex__}
     * gave {@code _rebuild_from_type_v2}: the same jagged nested tensor, from positional arguments.
     */
    private static Object jaggedFromArgs(PyGlobal callee, PyTuple args, Budget budget) {
        if (args.size() < 2 || !(args.get(0) instanceof TorchTensor values) || values.nested()) {
            return new PyObject(callee, args);
        }
        return values.asNested(TorchTensor.Layout.NESTED_JAGGED, false);
    }

    /** {@code _rebuild_from_type_v2(func, type, args, state)}: {@code func(*args)}; type and state are ignored. */
    private static Object rebuildFromType(PyGlobal callee, PyTuple args, Budget budget) {
        CallArgs a = new CallArgs(callee, args, budget, 3);
        if (a.get(0) instanceof PyGlobal func && a.get(2) instanceof PyTuple funcArgs) {
            Optional<StandIn> standIn = ALLOWLIST.standIn(func.qualifiedName());
            if (standIn.isPresent()) {
                return standIn.get().call(func, funcArgs, budget);
            }
        }
        return new PyObject(callee, args);
    }

    private static long[] contiguousStrides(long[] size, Budget budget) {
        budget.spend(CallArgs.arrayCost(size.length));
        long[] stride = new long[size.length];
        long step = 1;
        try {
            for (int i = size.length - 1; i >= 0; i--) {
                stride[i] = step;
                step = size[i] == 0 ? step : Math.multiplyExact(step, size[i]);
            }
        } catch (ArithmeticException e) {
            throw new FormatException("Pickle declares a tensor size whose element count overflows 64 bits.");
        }
        return stride;
    }
}
