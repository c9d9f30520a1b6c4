using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace T5Sharp.Runtime;

/// <summary>
/// The CPU's instruction-set features that decide the compute type: bf16 matmuls run on oneDNN's AMX kernels several
/// times faster than float32, while without AMX (AVX-512 BF16 alone, or neither) bf16 is slower than float32.
/// </summary>
public sealed record CpuFeatures(string Model, bool Avx2, bool Avx512, bool Avx512Bf16, bool AmxBf16, bool AmxInt8)
{
    /// <summary>Replaces detection, for tests and to mask features off: "none", or a comma list of <see cref="Names"/>.</summary>
    public const string OverrideVariable = "T5SHARP_CPU_FEATURES";

    static readonly Lazy<CpuFeatures> Detected = new(Detect);

    /// <summary>This machine's features (detected once), or those <see cref="OverrideVariable"/> names.</summary>
    public static CpuFeatures Current =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { } spec ? Parse(spec, Detected.Value.Model) : Detected.Value;

    /// <summary>The features present, by the names Linux's /proc/cpuinfo uses.</summary>
    public IReadOnlyList<string> Names =>
    [
        .. Avx2 ? ["avx2"] : Array.Empty<string>(), .. Avx512 ? ["avx512f"] : Array.Empty<string>(),
        .. Avx512Bf16 ? ["avx512_bf16"] : Array.Empty<string>(), .. AmxBf16 ? ["amx_bf16"] : Array.Empty<string>(),
        .. AmxInt8 ? ["amx_int8"] : Array.Empty<string>(),
    ];

    public override string ToString() => $"{Model}: {(Names.Count == 0 ? "none of avx2, avx512f, avx512_bf16, amx_bf16, amx_int8" : string.Join(", ", Names))}";

    static readonly string[] Known = ["avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_int8"];

    /// <exception cref="ArgumentException">A name that isn't one of the known features.</exception>
    public static CpuFeatures Parse(string spec, string model = "overridden")
    {
        var names = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).Where(n => n != "none").ToHashSet();
        foreach (var name in names)
            if (!Known.Contains(name))
                throw new ArgumentException($"{OverrideVariable}: unknown CPU feature '{name}' (known: none, {string.Join(", ", Known)})");
        return new CpuFeatures($"{model} ({OverrideVariable}={spec})", names.Contains("avx2"), names.Contains("avx512f"),
            names.Contains("avx512_bf16"), names.Contains("amx_bf16"), names.Contains("amx_int8"));
    }

    static CpuFeatures Detect()
    {
        string model = ReadModelName() ?? RuntimeInformation.ProcessArchitecture.ToString();
        if (!X86Base.IsSupported) return new CpuFeatures(model, false, false, false, false, false);
        // CPUID leaf 7: sub-leaf 0 EDX bit 22 AMX-BF16, bit 25 AMX-INT8; sub-leaf 1 EAX bit 5 AVX512-BF16.
        var (_, _, _, edx0) = X86Base.CpuId(7, 0);
        var (eax1, _, _, _) = X86Base.CpuId(7, 1);
        // .NET's IsSupported checks that the OS saves the AVX-512 state; for AMX, Linux lists the flags only when the
        // kernel enables the tile state (and oneDNN requests it per process).
        var flags = ReadFlags();
        bool amxOs = flags is null || flags.Contains("amx_tile");
        bool avx512 = Avx512F.IsSupported;
        return new CpuFeatures(model, System.Runtime.Intrinsics.X86.Avx2.IsSupported, avx512, avx512 && (eax1 & (1 << 5)) != 0,
            amxOs && (edx0 & (1 << 22)) != 0, amxOs && (edx0 & (1 << 25)) != 0);
    }

    static HashSet<string>? ReadFlags() => CpuInfoLine("flags") is { } line
        ? line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null;

    static string? ReadModelName() => CpuInfoLine("model name");

    static string? CpuInfoLine(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
