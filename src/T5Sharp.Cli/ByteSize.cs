namespace T5Sharp.Cli;

/// <summary>A byte count as people read it: B, KiB, MiB or GiB (info's file sizes, push's transfers).</summary>
public static class ByteSize
{
    public static string Text(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
