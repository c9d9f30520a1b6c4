using System.Diagnostics;
using System.Globalization;
using T5Sharp.Distributed;
using T5Sharp.Modeling;
using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// A data-parallel training step split into compute and communication. Started plainly it measures, at the
/// flan-t5-small shape (random init), one process training on the global batch with every core; then launches itself on
/// 2 ranks with mpirun (each rank half the batch, its share of the cores) and measures the 2-rank step: forward+backward,
/// then the gradient all-reduce as data parallelism does it (flatten into one bucket, in-place all-reduce, average, copy
/// back), then clip + AdamW; and finally measures flan-t5-base's single-process step for a PROJECTION of its step time on
/// N machines (compute / N + ring all-reduce 2·(N−1)/N·bytes over a stated bandwidth + the replicated update).
/// Started under mpirun it measures only the N-rank step.
/// Defaults are small (one timed step, global batch 4 × 128/32) to keep it to a few minutes on a 2-core machine;
/// <c>distributed 2 8 256 64</c> is the full flan-t5-small training shape. <c>distributed [steps = 1] [batch = 4] [source = 128] [target = 32] [base | nobase]</c>
/// </summary>
public static class DistributedBenchmark
{
    const string ResultTag = "MEASURED";
    static readonly double[] LinksGbit = [10, 25];
    static readonly int[] Machines = [1, 2, 4, 8, 16];

    /// <summary>Median seconds of each part of a step, the slowest rank's.</summary>
    sealed record StepTimes(double Compute, double Flatten, double AllReduce, double CopyBack, double Update)
    {
        public double Communication => Flatten + AllReduce + CopyBack;
        public double Total => Compute + Communication + Update;
    }

    public static void Run(string[] args)
    {
        int steps = Arg(args, 0, 1), batch = Arg(args, 1, 4), source = Arg(args, 2, 128), target = Arg(args, 3, 32);
        bool withBase = args.Length < 5 || args[4] != "nobase";
        var world = DistributedWorld.Current;
        if (batch % Math.Max(1, world.WorldSize) != 0) throw new ArgumentException($"the global batch {batch} does not split over {world.WorldSize} ranks");
        var small = T5Config.Load(BenchPaths.FlanT5SmallConfig);
        if (world.WorldSize > 1)
        {
            var (times, _) = Measure(small, world, batch / world.WorldSize, source, target, steps);
            if (world.IsMain)
            {
                Print($"{world.WorldSize} ranks, {get_num_threads()} thread(s) each, batch {batch / world.WorldSize} per rank", times);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{ResultTag} {world.WorldSize} {times.Compute} {times.Flatten} {times.AllReduce} {times.CopyBack} {times.Update}"));
            }
            return;
        }

        Console.WriteLine($"data-parallel training step, flan-t5-small shape (random init), global batch {batch} x {source}/{target}, " +
                          $"{Environment.ProcessorCount} cores; median of {steps} steps after one warm-up");
        var (one, _) = Measure(small, world, batch, source, target, steps);
        Print($"1 process, {get_num_threads()} threads, batch {batch}", one);
        var two = LaunchRanks(2, args);
        if (two is not null)
        {
            Console.WriteLine($"  2 ranks vs 1 process on the same global batch: step {two.Total:F2} s vs {one.Total:F2} s = " +
                              $"{one.Total / two.Total:F2}x; communication {two.Communication / two.Total:P0} of the 2-rank step");
            if (two.Total >= one.Total)
                Console.WriteLine($"  (on this {Environment.ProcessorCount}-core machine two ranks share the cores one process already uses, " +
                                  "and add the all-reduce: no faster, as expected — the gain needs more machines)");
        }
        if (withBase) Project(world, batch, source, target, Math.Min(steps, 1));
    }

    /// <summary>flan-t5-base's single-process step on this machine, and its projected step time on N such machines.</summary>
    static void Project(IProcessGroup world, int batch, int source, int target, int steps)
    {
        var config = T5Config.Load(BenchPaths.FlanT5SmallConfig);
        // flan-t5-base's config.json: 12+12 layers, d_model 768, 12 heads of 64, d_ff 2048 (247,577,856 parameters)
        config.DModel = 768; config.DKv = 64; config.DFf = 2048; config.NumHeads = 12; config.NumLayers = 12; config.NumDecoderLayers = 12;
        var (times, elements) = Measure(config, world, batch, source, target, steps);
        Print($"flan-t5-base shape, 1 process, batch {batch} x {source}/{target}", times);
        double bytes = elements * 4.0;
        Console.WriteLine($"PROJECTION (not measured) of the flan-t5-base step on N machines like this one, global batch {batch} x {source}/{target}:");
        Console.WriteLine($"  step(N) = forward+backward {times.Compute:F2} s / N + ring all-reduce 2(N-1)/N x {bytes / 1e6:F0} MB / link " +
                          $"+ clip and AdamW {times.Update:F2} s (replicated); assumes perfect compute scaling, no overlap, no latency term");
        Console.WriteLine($"  {"N",3}  {string.Join("  ", LinksGbit.Select(g => $"{g,4:F0} Gbit/s: step, speed-up, comm"))}");
        foreach (int n in Machines)
        {
            var cells = LinksGbit.Select(gbit =>
            {
                double comm = 2.0 * (n - 1) / n * bytes / (gbit * 1e9 / 8);
                double step = times.Compute / n + comm + times.Update;
                double single = times.Compute + times.Update;
                return $"{step,14:F2} s {single / step,6:F2}x {comm / step,5:P0}";
            });
            Console.WriteLine($"  {n,3}  {string.Join("  ", cells)}");
        }
    }

    /// <summary>
    /// Times training steps on <paramref name="microBatch"/> random examples per rank (different on each rank); the
    /// gradient all-reduce only when there are several ranks. Returns the medians (slowest rank) and the gradient size.
    /// </summary>
    static (StepTimes Times, long Elements) Measure(T5Config config, IProcessGroup world, int microBatch, int source, int target, int steps)
    {
        using var model = RandomModel.Create(config, seed: 0); // the same weights on every rank, as after DDP's broadcast
        model.train();
        var groups = ParameterGrouping.HfTrainer(model, 0.0, 1e-4);
        var optimizer = new AdamW(groups);
        var parameters = groups.SelectMany(g => g.Parameters).Select(p => p.Parameter).ToList();
        long elements = parameters.Sum(p => p.numel());
        var generator = new Generator(1 + (ulong)world.Rank);
        using var inputIds = randint(2, 32000, [microBatch, source], generator: generator);
        using var mask = ones(microBatch, source, ScalarType.Int64);
        using var labels = randint(2, 32000, [microBatch, target], generator: generator);
        var samples = new List<double[]>();
        for (int step = 0; step <= steps; step++)
        {
            world.Barrier(); // the ranks start each step together, so the all-reduce times the transfer, not a straggler
            var times = Step();
            if (step > 0) samples.Add(times);
        }
        // the slowest rank's median of each part: a step is as long as its slowest rank
        using var medians = tensor(Enumerable.Range(0, 5).Select(i => samples.Select(s => s[i]).Order().ElementAt(samples.Count / 2)).ToArray());
        world.AllReduce(medians, ReduceOp.Max);
        var m = medians.data<double>().ToArray();
        return (new StepTimes(m[0], m[1], m[2], m[3], m[4]), elements);

        double[] Step()
        {
            using var scope = NewDisposeScope();
            var parts = new double[5];
            var clock = Stopwatch.StartNew();
            var output = model.Forward(inputIds, mask, labels: labels);
            output.Loss!.backward();
            parts[0] = clock.Elapsed.TotalSeconds;
            if (world.WorldSize > 1)
            {
                var grads = parameters.Select(p => p.grad!).ToList();
                clock.Restart();
                var bucket = cat(grads.Select(g => g.flatten()).ToList(), 0);
                parts[1] = clock.Elapsed.TotalSeconds;
                clock.Restart();
                world.AllReduce(bucket);
                parts[2] = clock.Elapsed.TotalSeconds;
                clock.Restart();
                bucket.div_(world.WorldSize); // the mean over ranks, as DDP averages
                long offset = 0;
                foreach (var g in grads)
                {
                    g.copy_(bucket.narrow(0, offset, g.numel()).view_as(g));
                    offset += g.numel();
                }
                parts[3] = clock.Elapsed.TotalSeconds;
            }
            clock.Restart();
            GradientClipping.ClipByTotalNorm(parameters, 1.0);
            optimizer.Step();
            model.zero_grad();
            parts[4] = clock.Elapsed.TotalSeconds;
            output.Dispose();
            return parts;
        }
    }

    /// <summary>Runs this benchmark on <paramref name="ranks"/> ranks with mpirun, echoes its report, returns its figures.</summary>
    static StepTimes? LaunchRanks(int ranks, string[] args)
    {
        string? mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null)
        {
            Console.WriteLine("  (mpirun not found: install Open MPI, Debian: apt-get install openmpi-bin, for the 2-rank step)");
            return null;
        }
        var psi = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["TERM"] = "dumb"; // the ranks' stdout is Open MPI's pseudo-terminal: no keypad escape from .NET into the report
        foreach (var a in new[] { "-np", ranks.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--allow-run-as-root",
                     "dotnet", typeof(DistributedBenchmark).Assembly.Location, "distributed" })
            psi.ArgumentList.Add(a);
        foreach (var a in args.Take(4)) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        StepTimes? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith(ResultTag, StringComparison.Ordinal))
            {
                Console.WriteLine(line);
                continue;
            }
            var f = line.Split(' ').Skip(2).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            result = new StepTimes(f[0], f[1], f[2], f[3], f[4]);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null) throw new InvalidOperationException($"mpirun -np {ranks} exited with {process.ExitCode}");
        return result;
    }

    static void Print(string label, StepTimes t) =>
        Console.WriteLine($"  {label}: step {t.Total:F2} s = forward+backward {t.Compute:F2} s + communication {t.Communication:F3} s " +
                          $"(flatten {t.Flatten:F3}, all-reduce {t.AllReduce:F3}, average+copy back {t.CopyBack:F3}) + clip and AdamW {t.Update:F2} s");

    static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
