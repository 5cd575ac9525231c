package dev.modelsummary.format.pytorch;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;

/**
 * What a tensor rebuild call in a torch pickle describes; no data. Compares by identity of its arrays, which is
 * all a pickle value needs (tensors are never compared by content).
 *
 * @param storage       the storage the tensor views, or null (meta tensors, wrapper subclasses, sparse)
 * @param dtype         the tensor's dtype (the storage class's, or {@code _rebuild_tensor_v3}'s argument);
 *                      {@code uint8}, not to be shown, when {@code unknownDtype} is set
 * @param storageOffset offset into the storage, in elements of {@code dtype}
 * @param size          the shape (of a nested tensor: its packed values' shape)
 * @param stride        strides in elements, one per dimension
 * @param requiresGrad  the pickled {@code requires_grad}
 * @param parameter     whether it was pickled as an {@code nn.Parameter}
 * @param layout        strided, or one of the nested layouts
 * @param unknownDtype  the name of a dtype (or storage class) this tool does not know, as the pickle spells it;
 *                      null when {@code dtype} is the tensor's dtype
 */
public record TorchTensor(TorchStorage storage, DType dtype, long storageOffset, long[] size, long[] stride,
                          boolean requiresGrad, boolean parameter, Layout layout, String unknownDtype) {

    /** How torch lays the tensor out: a nested tensor is one tensor of several ragged components. */
    public enum Layout {
        STRIDED(null),
        /** {@code torch._utils._rebuild_nested_tensor}: one packed values buffer and per-component sizes. */
        NESTED_STRIDED("strided"),
        /** {@code torch.nested._internal.nested_tensor.NestedTensor} (NJT): values with one ragged dimension. */
        NESTED_JAGGED("jagged");

        private final String nestedName;

        Layout(String nestedName) {
            this.nestedName = nestedName;
        }

        /** {@code strided} or {@code jagged} for a nested tensor (torch's {@code layout} of it), else null. */
        public String nestedName() {
            return nestedName;
        }
    }

    public TorchTensor(TorchStorage storage, DType dtype, long storageOffset, long[] size, long[] stride,
                       boolean requiresGrad, boolean parameter) {
        this(storage, dtype, storageOffset, size, stride, requiresGrad, parameter, Layout.STRIDED, null);
    }

    public Shape shape() {
        return Shape.of(size);
    }

    public boolean nested() {
        return layout != Layout.STRIDED;
    }

    public TorchTensor asParameter(boolean newRequiresGrad) {
        return new TorchTensor(storage, dtype, storageOffset, size, stride, newRequiresGrad, true, layout,
                unknownDtype);
    }

    public TorchTensor withRequiresGrad(boolean newRequiresGrad) {
        return new TorchTensor(storage, dtype, storageOffset, size, stride, newRequiresGrad, parameter, layout,
                unknownDtype);
    }

    /** The same values read as a nested tensor of {@code newLayout}. */
    public TorchTensor asNested(Layout newLayout, boolean newRequiresGrad) {
        return new TorchTensor(storage, dtype, storageOffset, size, stride, newRequiresGrad, parameter, newLayout,
                unknownDtype);
    }

    /**
     * Bytes of the storage the tensor reaches, from its first byte: {@code (offset + sum((size_i - 1) *
     * stride_i) + 1)} elements' bytes, or 0 when it has no elements (formats.md 2.3).
     *
     * @throws ArithmeticException on overflow
     */
    public long storageBytesSpanned() {
        long last = storageOffset;
        for (int i = 0; i < size.length; i++) {
            if (size[i] == 0) {
                return 0;
            }
            last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
        }
        // bytesFor, not "elements x bytesFor(1)": a packed type (quint4x2) holds more than one element per byte.
        return dtype.bytesFor(Math.addExact(last, 1));
    }
}
