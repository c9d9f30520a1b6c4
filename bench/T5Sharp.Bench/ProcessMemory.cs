namespace T5Sharp.Bench;

/// <summary>The process's peak resident set (Linux /proc), for the memory figures of the benchmarks.</summary>
public static class ProcessMemory
{
    /// <summary>VmHWM in bytes (NaN where /proc isn't there).</summary>
    public static double PeakRssBytes() => Status("VmHWM:");

    /// <summary>VmRSS in bytes (NaN where /proc isn't there).</summary>
    public static double RssBytes() => Status("VmRSS:");

    static double Status(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        foreach (var line in File.ReadLines("/proc/self/status"))
            // "VmHWM:\t 3281000 kB": a tab after the colon and the number padded to 8 columns, so from 10 GB on no
            // space separates them; split on any whitespace
            if (line.StartsWith(key)) return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) * 1024.0;
        return double.NaN;
    }

    /// <summary>Writing 5 to /proc/self/clear_refs resets VmHWM, so that a phase's peak is its own.</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
