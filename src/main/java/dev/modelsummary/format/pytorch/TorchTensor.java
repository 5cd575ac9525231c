package dev.modelsummary.format.pytorch;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;

/**
 * What a tensor rebuild call in a torch pickle describes; no data. Compares by identity of its arrays, which is
 * all a pickle value needs (tensors are never compared by content).
 *
 * @param storage       the storage the tensor views, or null (meta tensors, wrapper subclasses, sparse)
 * @param dtype         the tensor's dtype (the storage class's, or {@code _rebuild_tensor_v3}'s argument)
 * @param storageOffset offset into the storage, in elements of {@code dtype}
 * @param size          the shape
 * @param stride        strides in elements, one per dimension
 * @param requiresGrad  the pickled {@code requires_grad}
 * @param parameter     whether it was pickled as an {@code nn.Parameter}
 */
public record TorchTensor(TorchStorage storage, DType dtype, long storageOffset, long[] size, long[] stride,
                          boolean requiresGrad, boolean parameter) {

    public Shape shape() {
        return Shape.of(size);
    }

    public TorchTensor asParameter(boolean newRequiresGrad) {
        return new TorchTensor(storage, dtype, storageOffset, size, stride, newRequiresGrad, true);
    }

    public TorchTensor withRequiresGrad(boolean newRequiresGrad) {
        return new TorchTensor(storage, dtype, storageOffset, size, stride, newRequiresGrad, parameter);
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
