using System.Diagnostics;
using T5Sharp.Distributed;

namespace T5Sharp.Evaluation;

/// <summary>
/// Generates predictions for a data set and scores them: per-example ROUGE F and sentence BLEU, the corpus metrics of
/// <see cref="Metrics.Compute(IEnumerable{string}, IReadOnlyList{string}, IReadOnlyList{IReadOnlyList{string}}, MetricOptions?)"/>
/// (the same numbers the trainer logs), and rouge_score's bootstrap intervals, seeded so a run is reproducible.
/// Generation is a delegate so that any decoding strategy (greedy, beams, sampling, a remote model) plugs in unchanged.
/// Bad input: an empty prediction or reference scores 0 for ROUGE (as rouge_score), sacreBLEU skips an empty reference
/// of a multi-reference example, and an example whose references are all empty is an error when BLEU or chrF is asked
/// for (sacreBLEU has nothing to compare with); mismatched counts and null texts are errors naming both counts / the index.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Runs <paramref name="generate"/> over the sources — all at once, or <see cref="EvaluatorOptions.ChunkSize"/> at a
    /// time — then <see cref="Score"/>s. <paramref name="onGenerated"/> receives each chunk's examples (not yet scored)
    /// as soon as they are generated, so a caller can save them before the run ends (see <see cref="PredictionsWriter"/>).
    /// With a <paramref name="group"/> of several ranks, each rank generates only its chunks (chunk k on rank k mod N,
    /// <see cref="BatchShards"/>) and every rank receives all predictions in input order — onGenerated once per round of
    /// N chunks — and returns the same result as one process; every rank of the group must call this together.
    /// </summary>
    /// <exception cref="ArgumentException">Bad input (see the class remarks).</exception>
    /// <exception cref="InvalidOperationException">The generator returned a different number of texts than it was given.</exception>
    public static EvaluationResult Evaluate(IReadOnlyList<string> sources, IReadOnlyList<IReadOnlyList<string>> references,
        Func<IReadOnlyList<string>, IReadOnlyList<string>> generate, EvaluatorOptions? options = null,
        Action<IReadOnlyList<EvaluationExample>>? onGenerated = null, IProcessGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(generate);
        options ??= new EvaluatorOptions();
        CheckInputs(sources, references);
        Metrics.Validate(options.MetricNames);
        if (options.ChunkSize is < 1) throw new ArgumentException($"The chunk size must be at least 1, got {options.ChunkSize}.");
        int chunk = options.ChunkSize ?? sources.Count;
        var clock = Stopwatch.StartNew();
        var predictions = new List<string>(sources.Count);
        var rounds = ShardedBatches.Run(group ?? SingleProcess.Instance, sources, chunk, (part, _) =>
        {
            var generated = generate(part);
            if (generated is null || generated.Count != part.Count)
                throw new InvalidOperationException(
                    $"The generator returned {generated?.Count ?? 0} predictions for {part.Count} sources.");
            return generated;
        });
        foreach (var round in rounds)
        {
            int start = round.Start;
            onGenerated?.Invoke(round.Results.Select((p, i) => new EvaluationExample(start + i, sources[start + i], references[start + i], p,
                new Dictionary<string, double>())).ToList());
            predictions.AddRange(round.Results);
        }
        double generationSeconds = clock.Elapsed.TotalSeconds;
        return Score(sources, references, predictions, options, generationSeconds);
    }

    /// <summary>Scores existing predictions (no model): <paramref name="sources"/> may hold empty strings when unknown.</summary>
    /// <exception cref="ArgumentException">Bad input (see the class remarks).</exception>
    public static EvaluationResult Score(IReadOnlyList<string> sources, IReadOnlyList<IReadOnlyList<string>> references,
        IReadOnlyList<string> predictions, EvaluatorOptions? options = null) =>
        Score(sources, references, predictions, options, generationSeconds: 0);

    static EvaluationResult Score(IReadOnlyList<string> sources, IReadOnlyList<IReadOnlyList<string>> references,
        IReadOnlyList<string> predictions, EvaluatorOptions? options, double generationSeconds)
    {
        options ??= new EvaluatorOptions();
        CheckInputs(sources, references);
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count != sources.Count)
            throw new ArgumentException($"There are {predictions.Count} predictions but {sources.Count} examples.", nameof(predictions));
        for (int i = 0; i < predictions.Count; i++)
            if (predictions[i] is null) throw new ArgumentException($"Prediction {i} is null.", nameof(predictions));

        var clock = Stopwatch.StartNew();
        var metricOptions = options.Metric with { BootstrapSeed = options.Metric.BootstrapSeed ?? EvaluatorOptions.DefaultSeed };
        bool needsReferenceText = options.MetricNames.Any(n => n is "bleu" or "sacrebleu" or "chrf");
        if (needsReferenceText)
            for (int i = 0; i < references.Count; i++)
                if (references[i].All(string.IsNullOrEmpty))
                    throw new ArgumentException(
                        $"Example {i} has only empty references: BLEU and chrF (sacreBLEU) need at least one non-empty reference per example.",
                        nameof(references));
        var metrics = Metrics.Compute(options.MetricNames, predictions, references, metricOptions);

        // ROUGE again per pair: Metrics.Compute returns only the corpus numbers, the report needs each example's.
        double scale = metricOptions.RougeAsPercent ? 100 : 1;
        var rougeTypes = metrics.Keys.Where(k => k.StartsWith("rouge", StringComparison.Ordinal)).ToArray();
        var perPair = new IReadOnlyDictionary<string, RougeScore>[predictions.Count];
        var intervals = new Dictionary<string, MetricInterval>();
        if (rougeTypes.Length > 0)
        {
            var scorer = new RougeScorer(rougeTypes, metricOptions.UseStemmer, metricOptions.SplitSentencesForLsum);
            for (int i = 0; i < predictions.Count; i++)
                perPair[i] = references[i].Count == 1
                    ? scorer.Score(predictions[i], references[i][0])
                    : scorer.ScoreMulti(predictions[i], references[i]);
            var boot = RougeAggregate.Bootstrap(perPair, metricOptions.BootstrapSeed, options.BootstrapSamples, options.Confidence);
            foreach (var (type, interval) in boot)
                intervals[type] = new MetricInterval(interval.Low.FMeasure * scale, interval.Mid.FMeasure * scale,
                    interval.High.FMeasure * scale);
        }

        bool sentenceBleu = metrics.ContainsKey("bleu");
        var examples = new EvaluationExample[predictions.Count];
        for (int i = 0; i < predictions.Count; i++)
        {
            var scores = new Dictionary<string, double>();
            foreach (var type in rougeTypes) scores[type] = perPair[i][type].FMeasure * scale;
            if (sentenceBleu) scores["bleu"] = Bleu.Sentence(predictions[i], references[i]).Score;
            examples[i] = new EvaluationExample(i, sources[i], references[i], predictions[i], scores);
        }
        var summary = new MetricsSummary(predictions.Count, metrics, intervals, generationSeconds, clock.Elapsed.TotalSeconds)
        {
            RougeLsumSplit = metrics.ContainsKey("rougeLsum") ? SentenceSplit.Name(metricOptions.SplitSentencesForLsum) : null,
        };
        return new EvaluationResult(examples, summary);
    }

    static void CheckInputs(IReadOnlyList<string> sources, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(references);
        if (sources.Count != references.Count)
            throw new ArgumentException($"There are {sources.Count} sources but {references.Count} references.", nameof(references));
        if (sources.Count == 0) throw new ArgumentException("There are no examples to evaluate.", nameof(sources));
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is null) throw new ArgumentException($"Source {i} is null.", nameof(sources));
            if (references[i] is null || references[i].Count == 0 || references[i].Any(r => r is null))
                throw new ArgumentException($"References of example {i} are missing or contain null.", nameof(references));
        }
    }
}
