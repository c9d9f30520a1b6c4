using System.Diagnostics;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// Runs the real `t5sharp` (T5Sharp.Cli.dll of the test's output folder) on N ranks with Open MPI's mpirun, as a user
/// launches it: 1 libtorch thread per rank (DOTNET_PROCESSOR_COUNT = N cores shared by N ranks, see MpiLaunch.ThreadsPerRank),
/// oversubscribing a small machine and allowed as root. Without mpirun the test fails, saying what to install.
/// </summary>
static class MpirunCli
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    public static CliRunner.Result Run(int ranks, params string[] args)
    {
        string mpirun = Find() ?? throw new Xunit.Sdk.XunitException(
            "mpirun is not on the PATH: the multi-process tests need Open MPI (Debian: apt-get install openmpi-bin)");
        var psi = new ProcessStartInfo(mpirun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-np", ranks.ToString(), "--allow-run-as-root", "--oversubscribe", "-x", $"DOTNET_PROCESSOR_COUNT={ranks}",
                     "dotnet", Path.Combine(AppContext.BaseDirectory, "T5Sharp.Cli.dll") })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Deadline))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -np {ranks} t5sharp {string.Join(' ', args)} did not finish in {Deadline.TotalMinutes} minutes");
        }
        return new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The one-process run the sharded one must equal, on one libtorch thread like each rank.</summary>
    public static CliRunner.Result RunOne(params string[] args) =>
        CliRunner.RunWith(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" }, args);

    static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);
}
