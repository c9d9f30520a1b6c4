using System.Diagnostics;
using T5Sharp.Distributed;
using TorchSharp;

namespace T5Sharp.Bench;

/// <summary>
/// In-place float32 all-reduce of one gradient-sized buffer across the ranks of an mpirun launch, at the gradient sizes
/// of flan-t5-small and flan-t5-base: time per all-reduce, algorithm bandwidth (bytes / time) and bus bandwidth (the
/// ring's 2·(N−1)/N·bytes / time, NCCL's convention, comparable across rank counts). Checks the sum on every rank.
/// mpirun -np 2 --allow-run-as-root dotnet bench/T5Sharp.Bench/bin/Release/net10.0/T5Sharp.Bench.dll allreduce [repeats]
/// </summary>
public static class AllReduceBenchmark
{
    // trainable parameters (= gradient elements) of the two checkpoints, from their config.json shapes
    static readonly (string Name, long Elements)[] Sizes = [("flan-t5-small", 76_961_152), ("flan-t5-base", 247_577_856)];

    public static void Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0]) : 5;
        var world = DistributedWorld.Current;
        if (world.IsMain)
            Console.WriteLine($"all-reduce over {world.WorldSize} rank(s), {(world as MpiProcessGroup)?.LibraryVersion ?? "no MPI launch"}");
        foreach (var (name, elements) in Sizes)
        {
            using var buffer = torch.full(elements, world.Rank + 1f, torch.float32);
            world.AllReduce(buffer); // warm-up: shared-memory segments, page faults
            var times = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                buffer.fill_(world.Rank + 1f);
                world.Barrier();
                var clock = Stopwatch.StartNew();
                world.AllReduce(buffer);
                times.Add(clock.Elapsed.TotalSeconds);
            }
            float expected = world.WorldSize * (world.WorldSize + 1) / 2f;
            bool correct = buffer.eq(expected).all().item<bool>();
            times.Sort();
            double median = times[times.Count / 2];
            double bytes = elements * 4.0;
            double bus = 2.0 * (world.WorldSize - 1) / world.WorldSize * bytes;
            if (world.IsMain)
                Console.WriteLine($"{name,-14} {bytes / (1 << 20),8:F1} MiB  median {median * 1000,8:F1} ms  algbw {bytes / median / 1e9,6:F2} GB/s  " +
                                  $"busbw {bus / median / 1e9,6:F2} GB/s  sum correct: {correct}");
            if (!correct) throw new InvalidOperationException($"rank {world.Rank}: all-reduce sum is wrong");
        }
    }
}
