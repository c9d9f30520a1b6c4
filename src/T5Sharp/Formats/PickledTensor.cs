using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>A storage that a torch pickle refers to: the zip entry `data/{Key}` holding <see cref="Numel"/> elements.</summary>
internal sealed record PickledStorage(string Key, ScalarType DType, long Numel);

/// <summary>What torch._utils._rebuild_tensor_v2 would build: a strided view into a storage. No data is read yet.</summary>
internal sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Size, long[] Stride)
{
    public long Numel => Size.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when the view is the whole storage in row-major order, so the storage can be reshaped instead of copied.</summary>
    public bool IsWholeContiguousStorage
    {
        get
        {
            if (Offset != 0 || Numel != Storage.Numel) return false;
            long expected = 1;
            for (int i = Size.Length - 1; i >= 0; i--)
            {
                if (Size[i] != 1 && Stride[i] != expected) return false;
                expected *= Size[i];
            }
            return true;
        }
    }

    /// <summary>The highest element index the view touches + 1 (0 for an empty tensor).</summary>
    public long Extent => Numel == 0 ? 0 : Offset + 1 + Size.Zip(Stride, (n, s) => (n - 1) * s).Sum();
}
