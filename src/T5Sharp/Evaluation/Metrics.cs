namespace T5Sharp.Evaluation;

/// <summary>
/// One call for the trainer and evaluator: named metrics over predictions and references, returned as a flat
/// dictionary like HF <c>evaluate</c>'s: "rouge1", "rouge2", "rougeL", "rougeLsum" (F-measure, 0–1 unless
/// <see cref="MetricOptions.RougeAsPercent"/>), "bleu" (sacreBLEU corpus score, 0–100), "chrf" (0–100).
/// Names: "rouge" (all four ROUGE keys), "rouge1".."rouge9", "rougeL", "rougeLsum", "bleu" (or "sacrebleu"), "chrf".
/// </summary>
public static class Metrics
{
    /// <summary>The default metric set.</summary>
    public static IReadOnlyList<string> Default { get; } = ["rouge", "bleu", "chrf"];

    /// <summary>One reference per prediction.</summary>
    /// <exception cref="ArgumentException">Counts differ (both are named), no predictions, a null text, an unknown name.</exception>
    public static IReadOnlyDictionary<string, double> Compute(IEnumerable<string> names, IReadOnlyList<string> predictions,
        IReadOnlyList<string> references, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        var perExample = new IReadOnlyList<string>[references.Count];
        for (int i = 0; i < references.Count; i++) perExample[i] = [references[i]];
        return Compute(names, predictions, perExample, options);
    }

    /// <summary>
    /// Several references per prediction (<paramref name="references"/>[i] belongs to prediction i): ROUGE keeps the best
    /// reference per type (rouge_score's score_multi); BLEU and chrF use one reference stream per position, so every
    /// prediction must have the same number of references (as evaluate's sacrebleu requires).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Compute(IEnumerable<string> names, IReadOnlyList<string> predictions,
        IReadOnlyList<IReadOnlyList<string>> references, MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        options ??= new MetricOptions();
        if (predictions.Count != references.Count)
            throw new ArgumentException(
                $"There are {predictions.Count} predictions but {references.Count} references.", nameof(references));
        if (predictions.Count == 0) throw new ArgumentException("There are no predictions to score.", nameof(predictions));
        for (int i = 0; i < predictions.Count; i++)
        {
            if (predictions[i] is null) throw new ArgumentException($"Prediction {i} is null.", nameof(predictions));
            if (references[i] is null || references[i].Count == 0 || references[i].Any(r => r is null))
                throw new ArgumentException($"References of example {i} are missing or contain null.", nameof(references));
        }

        var (rougeTypes, bleu, chrf) = Parse(names);

        var result = new Dictionary<string, double>();
        if (rougeTypes.Count > 0) AddRouge(result, rougeTypes.Distinct().ToArray(), predictions, references, options);
        if (bleu || chrf)
        {
            var streams = ToStreams(references);
            if (bleu) result["bleu"] = Bleu.Corpus(predictions, streams).Score;
            if (chrf) result["chrf"] = Chrf.Corpus(predictions, streams).Score;
        }
        return result;
    }

    /// <summary>Checks metric names before any work (a typo should fail at once, not after generating everything).</summary>
    /// <exception cref="ArgumentException">An unknown metric name, or none.</exception>
    public static void Validate(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        if (list.Count == 0) throw new ArgumentException("No metric given: expected rouge, rouge1..rouge9, rougeL, rougeLsum, bleu or chrf.");
        var (rougeTypes, _, _) = Parse(list);
        if (rougeTypes.Count > 0) _ = new RougeScorer(rougeTypes.Distinct()); // rejects rouge types rouge_score lacks
    }

    static (List<string> RougeTypes, bool Bleu, bool Chrf) Parse(IEnumerable<string> names)
    {
        var rougeTypes = new List<string>();
        bool bleu = false, chrf = false;
        foreach (var name in names)
        {
            switch (name)
            {
                case "rouge": rougeTypes.AddRange(["rouge1", "rouge2", "rougeL", "rougeLsum"]); break;
                case "bleu" or "sacrebleu": bleu = true; break;
                case "chrf": chrf = true; break;
                case not null when name.StartsWith("rouge", StringComparison.Ordinal): rougeTypes.Add(name); break;
                default: throw new ArgumentException($"Unknown metric '{name}': expected rouge, rouge1..rouge9, rougeL, rougeLsum, bleu or chrf.", nameof(names));
            }
        }
        return (rougeTypes, bleu, chrf);
    }

    static void AddRouge(Dictionary<string, double> result, string[] types, IReadOnlyList<string> predictions,
        IReadOnlyList<IReadOnlyList<string>> references, MetricOptions options)
    {
        var scorer = new RougeScorer(types, options.UseStemmer, options.SplitSentencesForLsum);
        var perPair = new IReadOnlyDictionary<string, RougeScore>[predictions.Count];
        for (int i = 0; i < predictions.Count; i++)
            perPair[i] = references[i].Count == 1
                ? scorer.Score(predictions[i], references[i][0])
                : scorer.ScoreMulti(predictions[i], references[i]);
        double scale = options.RougeAsPercent ? 100 : 1;
        if (options.UseBootstrap)
            foreach (var (type, interval) in RougeAggregate.Bootstrap(perPair, options.BootstrapSeed))
                result[type] = interval.Mid.FMeasure * scale;
        else
            foreach (var (type, mean) in RougeAggregate.Mean(perPair))
                result[type] = mean.FMeasure * scale;
    }

    static IReadOnlyList<IReadOnlyList<string>> ToStreams(IReadOnlyList<IReadOnlyList<string>> references)
    {
        int count = references[0].Count;
        for (int i = 1; i < references.Count; i++)
            if (references[i].Count != count)
                throw new ArgumentException(
                    $"BLEU/chrF need the same number of references per prediction: example 0 has {count}, example {i} has {references[i].Count}.",
                    nameof(references));
        var streams = new IReadOnlyList<string>[count];
        for (int s = 0; s < count; s++)
        {
            var stream = new string[references.Count];
            for (int i = 0; i < references.Count; i++) stream[i] = references[i][s];
            streams[s] = stream;
        }
        return streams;
    }
}
