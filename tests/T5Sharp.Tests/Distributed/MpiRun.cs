using System.Diagnostics;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// Runs the real `t5sharp` program (T5Sharp.Cli.dll of the test's output folder) on several ranks under Open MPI's
/// <c>mpirun</c>, as a user launches it (as root too, and on more ranks than cores), with one libtorch thread per rank
/// (DOTNET_PROCESSOR_COUNT = N cores shared by N ranks, see MpiLaunch.ThreadsPerRank) on any machine. A machine without
/// mpirun fails the test with what to install: these tests are never skipped silently.
/// </summary>
public static class MpiRun
{
    public static string Mpirun()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);
        Assert.True(found is not null, "mpirun is not on PATH: the Mpi tests launch 2 ranks with Open MPI; install openmpi-bin " +
                                       "(Debian: apt-get install openmpi-bin; .ci/run does it)");
        return found!;
    }

    public static ProcessStartInfo StartInfo(int ranks, params string[] args)
    {
        var psi = new ProcessStartInfo(Mpirun()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-np", ranks.ToString(), "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                     "-x", $"DOTNET_PROCESSOR_COUNT={ranks}", "dotnet",
                     Path.Combine(AppContext.BaseDirectory, "T5Sharp.Cli.dll") }.Concat(args))
            psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs to the end (at most <paramref name="minutes"/>); the exit code and both streams.</summary>
    public static CliRunner.Result Run(int ranks, int minutes, params string[] args)
    {
        using var process = Process.Start(StartInfo(ranks, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(minutes)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -np {ranks} t5sharp {string.Join(' ', args)} did not finish in {minutes} minutes");
        }
        return new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The one-process run a sharded one must equal, on one libtorch thread like each rank.</summary>
    public static CliRunner.Result RunOne(params string[] args) =>
        CliRunner.RunWith(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" }, args);
}
