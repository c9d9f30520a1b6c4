using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Kernels;

/// <summary>
/// The element memory of a CPU tensor, for the few kernels libtorch's CPU build lacks or runs serially (counter-based
/// dropout masks, a one-pass fused AdamW) and for handing a tensor's storage to a native library (MPI's collectives).
/// Only dense, contiguous CPU tensors qualify.
/// </summary>
public static unsafe class TensorMemory
{
    /// <summary>Whether <see cref="Floats"/> accepts the tensor.</summary>
    public static bool IsDenseFloat32(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    /// <summary>A pointer to the first element (storage offset applied). The tensor must outlive every use of it.</summary>
    public static float* Floats(Tensor t, string what)
    {
        if (!IsDenseFloat32(t))
            throw new ArgumentException($"{what}: expected a contiguous float32 CPU tensor, found {t.dtype} on {t.device} " +
                                        $"(contiguous: {t.is_contiguous()})");
        return (float*)THSTensor_data(t.Handle);
    }

    /// <summary>The address of the first element of a contiguous CPU tensor of any element type (storage offset applied).</summary>
    public static IntPtr Address(Tensor t, string what)
    {
        if (t.device_type != DeviceType.CPU || !t.is_contiguous())
            throw new ArgumentException($"{what}: expected a contiguous CPU tensor, found one on {t.device} (contiguous: {t.is_contiguous()})");
        return THSTensor_data(t.Handle);
    }

    /// <summary>Whether <see cref="Data"/> accepts the tensor: dense, contiguous, float32 or bfloat16, on the CPU.</summary>
    public static bool IsDenseFloat(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype is ScalarType.Float32 or ScalarType.BFloat16 && t.is_contiguous();

    /// <summary>A pointer to the first element of a float32 or bfloat16 tensor (the kernels read its dtype from the tensor).</summary>
    public static void* Data(Tensor t, string what)
    {
        if (!IsDenseFloat(t))
            throw new ArgumentException($"{what}: expected a contiguous float32 or bfloat16 CPU tensor, found {t.dtype} on {t.device} " +
                                        $"(contiguous: {t.is_contiguous()})");
        return (void*)THSTensor_data(t.Handle);
    }

    // TorchSharp's own binding of at::Tensor::data_ptr(), which it keeps internal.
    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTensor_data(IntPtr tensor);
}
