using T5Sharp.Bench;

// dotnet run -c Release --project bench/T5Sharp.Bench -- <benchmark> [args]
// under mpirun (the allreduce and distributed benchmarks), each rank takes its share of the cores, and .NET writes no
// keypad-mode escape into the pseudo-terminal Open MPI gives each rank's stdout (as the CLI's MultiProcess does)
var launch = T5Sharp.Distributed.MpiLaunch.FromEnvironment();
if (launch is not null && !Console.IsOutputRedirected) Environment.SetEnvironmentVariable("TERM", "dumb");
T5Sharp.Runtime.TorchRuntime.Initialize(launch?.ThreadsPerRank(Environment.ProcessorCount));
var benchmarks = new Dictionary<string, Action<string[]>>
{
    ["forward"] = ForwardBenchmark.Run,
    ["attention"] = AttentionBenchmark.Run,
    ["quantized-linear"] = QuantizedLinearBenchmark.Run,
    ["rouge"] = RougeBenchmark.Run,
    ["generation"] = GenerationBenchmark.Run,
    ["generation-dtype"] = GenerationDTypeBenchmark.Run,
    ["generation-quantized"] = GenerationQuantizedBenchmark.Run,
    ["lora"] = LoraBenchmark.Run,
    ["training"] = TrainingBenchmark.Run,
    ["training-dtype"] = TrainingDTypeBenchmark.Run,
    ["training-phases"] = TrainingPhasesBenchmark.Run,
    ["serve"] = ServeBenchmark.Run,
    ["allreduce"] = AllReduceBenchmark.Run,
    ["distributed"] = DistributedBenchmark.Run,
};
string name = args.Length > 0 ? args[0] : "";
if (!benchmarks.TryGetValue(name, out var run))
{
    Console.Error.WriteLine($"usage: T5Sharp.Bench <{string.Join("|", benchmarks.Keys)}> [args]");
    return 2;
}
run(args[1..]);
T5Sharp.Distributed.DistributedWorld.End(0, failed: false);
return 0;
