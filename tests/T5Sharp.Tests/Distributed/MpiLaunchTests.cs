using T5Sharp.Distributed;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Distributed;

/// <summary>How a process learns that mpirun started it, and the errors of a launch that cannot work.</summary>
public class MpiLaunchTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void APlainRunIsNoLaunch() => Assert.Null(MpiLaunch.FromVariables(Env()));

    [Fact]
    public void OpenMpiVariablesGiveRankSizeAndTheCoresEachRankGets()
    {
        var launch = MpiLaunch.FromVariables(Env(("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_RANK", "3"),
            ("OMPI_COMM_WORLD_LOCAL_SIZE", "2"), ("OMPI_COMM_WORLD_LOCAL_RANK", "1")));
        Assert.Equal(new MpiLaunch(3, 4, 1, 2), launch);
        Assert.Equal(8, launch!.ThreadsPerRank(16));   // two ranks on this machine share its 16 cores
        Assert.Equal(1, new MpiLaunch(0, 4, 0, 4).ThreadsPerRank(2)); // never fewer than one
    }

    [Fact]
    public void AnotherMpisLauncherIsAnErrorNotASilentSingleProcessRun()
    {
        var e = Assert.Throws<DistributedException>(() => MpiLaunch.FromVariables(Env(("PMI_RANK", "1"))));
        Assert.Contains("Open MPI", e.Message);
        Assert.Contains("PMI_RANK", e.Message);
    }

    [Theory]
    [InlineData("two", "0")]
    [InlineData("2", "2")]
    [InlineData("0", "0")]
    public void ABadVariableIsNamed(string size, string rank)
    {
        var e = Assert.Throws<DistributedException>(() =>
            MpiLaunch.FromVariables(Env(("OMPI_COMM_WORLD_SIZE", size), ("OMPI_COMM_WORLD_RANK", rank))));
        Assert.Contains("OMPI_COMM_WORLD_", e.Message);
    }

    [Fact]
    public void AMissingLibraryIsOneClearError()
    {
        var e = Assert.Throws<DistributedException>(() => MpiLibrary.Load("libmpi-not-here.so.40"));
        Assert.Contains("openmpi-bin", e.Message);
    }

    [Fact]
    public void ALaunchTheLibraryDoesNotSeeIsAMismatch()
    {
        // the environment of rank 0 of 2, but no mpirun: Open MPI initialises a one-process world
        var result = CliRunner.RunWith(new Dictionary<string, string> { ["OMPI_COMM_WORLD_SIZE"] = "2", ["OMPI_COMM_WORLD_RANK"] = "0" },
            "train", "--model", "nowhere", "--data", "nothing.jsonl");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sees rank 0 of 1", result.Stderr);
    }

    [Fact]
    public void AVerbThatCannotShareItsWorkRefusesAnMpiLaunch()
    {
        var result = CliRunner.RunWith(new Dictionary<string, string> { ["OMPI_COMM_WORLD_SIZE"] = "2", ["OMPI_COMM_WORLD_RANK"] = "1" },
            "info", Path.Combine(SharedPaths.Shared, "models", "t5-tokenizer"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'info' runs in one process", result.Stderr);
    }
}
