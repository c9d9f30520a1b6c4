using System.Diagnostics;
using System.Text.Json;
using T5Sharp.Evaluation;

namespace T5Sharp.Bench;

/// <summary>
/// Times ROUGE-1/2/L/Lsum with stemming on real summary pairs: DialogSum test summary1 vs summary2 (sentences put on
/// separate lines), repeated to 10,000 pairs (or args[0]). A fresh scorer is used so the stem cache starts empty.
/// </summary>
public static class RougeBenchmark
{
    public static void Run(string[] args)
    {
        int target = args.Length > 0 && int.TryParse(args[0], out int n) && n > 0 ? n : 10_000;
        var path = Path.Combine(BenchPaths.Shared, "data", "dialogsum", "dialogsum.test.jsonl");
        var basePairs = new List<(string Prediction, string Reference)>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("summary1", out var s1) && root.TryGetProperty("summary2", out var s2))
                basePairs.Add((Lines(s1.GetString()!), Lines(s2.GetString()!)));
        }
        if (basePairs.Count == 0) throw new InvalidOperationException($"No summary1/summary2 pairs in {path}.");
        var pairs = Enumerable.Range(0, target).Select(i => basePairs[i % basePairs.Count]).ToArray();

        var scorer = new RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], useStemmer: true);
        var perPair = new IReadOnlyDictionary<string, RougeScore>[pairs.Length];
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < pairs.Length; i++) perPair[i] = scorer.Score(pairs[i].Prediction, pairs[i].Reference);
        var scoring = watch.Elapsed;
        var mean = RougeAggregate.Mean(perPair);
        var bootstrap = RougeAggregate.Bootstrap(perPair, seed: 0);
        var total = watch.Elapsed;

        Console.WriteLine($"ROUGE-1/2/L/Lsum, stemmer on: {pairs.Length} pairs ({basePairs.Count} distinct DialogSum test pairs)");
        Console.WriteLine($"  scoring   {scoring.TotalSeconds:F3} s  = {pairs.Length / scoring.TotalSeconds:F0} pairs/s");
        Console.WriteLine($"  + mean and 1000-sample bootstrap: {total.TotalSeconds:F3} s total");
        foreach (var (type, m) in mean)
            Console.WriteLine($"  {type,-9} mean F {m.FMeasure:F4}  bootstrap mid {bootstrap[type].Mid.FMeasure:F4}");
    }

    // HF summarization scripts put one sentence per line for rougeLsum; this is the same split the fixtures use.
    static string Lines(string s) => s.Trim().Replace(". ", ".\n");
}
