using T5Sharp.Formats;

namespace T5Sharp.Evaluation;

/// <summary>
/// Several systems evaluated on the same examples, side by side: the corpus metrics with their bootstrap intervals, the
/// change of each system against the first (the baseline, e.g. the base model prompted zero-shot), and a seeded sample
/// of examples showing the human reference(s) next to every system's prediction. Renders to Markdown and to one
/// self-contained HTML page (inline CSS, no scripts, no external assets).
/// </summary>
public sealed class ComparisonReport
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";

    /// <param name="systems">At least one; the first is the baseline the others are compared with.</param>
    /// <param name="sampleCount">Examples shown side by side (fewer when there are fewer examples).</param>
    /// <param name="seed">Seeds the example sample so the same command shows the same examples.</param>
    /// <exception cref="ArgumentException">No systems, duplicate or empty names, different examples (count, references or sources).</exception>
    public ComparisonReport(IReadOnlyList<ComparedSystem> systems, int sampleCount = 5, uint seed = 0)
    {
        ArgumentNullException.ThrowIfNull(systems);
        if (systems.Count == 0) throw new ArgumentException("A comparison needs at least one system.", nameof(systems));
        if (sampleCount < 0) throw new ArgumentException($"The sample count must not be negative, got {sampleCount}.", nameof(sampleCount));
        CheckSameExamples(systems);
        Systems = systems;
        MetricNames = systems[0].Result.Summary.Metrics.Keys.ToArray();
        SampledExamples = Sample(systems[0].Result.Examples.Count, sampleCount, seed);
        _format = MetricFormat.For(systems.Select(s => s.Result.Summary));
    }

    readonly MetricFormat _format;

    public IReadOnlyList<ComparedSystem> Systems { get; }
    public ComparedSystem Baseline => Systems[0];

    /// <summary>The corpus metrics shown, in the baseline's order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Indices of the examples shown side by side, ascending.</summary>
    public IReadOnlyList<int> SampledExamples { get; }

    /// <summary>Metric of a system minus the baseline's (null when either lacks the metric).</summary>
    public double? Delta(ComparedSystem system, string metric) =>
        system.Result.Summary.Metrics.TryGetValue(metric, out var value)
        && Baseline.Result.Summary.Metrics.TryGetValue(metric, out var baseline)
            ? value - baseline
            : null;

    public const string PlotsDirName = "plots";

    /// <summary>The figures (metric intervals, output lengths, per-example scatter), drawn once on first use.</summary>
    public IReadOnlyList<ComparisonPlots.Figure> Figures => _figures ??= ComparisonPlots.Create(this);
    IReadOnlyList<ComparisonPlots.Figure>? _figures;

    /// <summary>Markdown with the tables, linking the figures as plots/*.svg (which <see cref="Write"/> writes beside it).</summary>
    public string ToMarkdown() => ComparisonMarkdown.Render(this, Figures, PlotsDirName);
    public string ToHtml() => ComparisonHtml.Render(this, Figures);

    /// <summary>
    /// Writes report.md (linking plots/*.svg), the figures' SVG files and report.html (figures inline) into
    /// <paramref name="directory"/>, each atomically.
    /// </summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, PlotsDirName));
        foreach (var figure in Figures) AtomicFile.WriteAllText(Path.Combine(directory, PlotsDirName, figure.Stem + ".svg"), figure.Svg);
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(directory, HtmlFileName), ToHtml());
    }

    /// <summary>A metric value as shown (4 decimals for ROUGE on the 0–1 scale, else 2).</summary>
    internal string Format(string metric, double value) => _format.Value(metric, value);

    internal string FormatDelta(string metric, double delta) => _format.Delta(metric, delta);

    static void CheckSameExamples(IReadOnlyList<ComparedSystem> systems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var system in systems)
        {
            ArgumentNullException.ThrowIfNull(system);
            if (string.IsNullOrWhiteSpace(system.Name)) throw new ArgumentException("A system has no name.", nameof(systems));
            if (!names.Add(system.Name)) throw new ArgumentException($"Two systems are named '{system.Name}'.", nameof(systems));
        }
        var first = systems[0];
        foreach (var other in systems.Skip(1))
        {
            if (other.Result.Examples.Count != first.Result.Examples.Count)
                throw new ArgumentException(
                    $"System '{other.Name}' has {other.Result.Examples.Count} examples but '{first.Name}' has {first.Result.Examples.Count}.",
                    nameof(systems));
            for (int i = 0; i < first.Result.Examples.Count; i++)
            {
                var a = first.Result.Examples[i];
                var b = other.Result.Examples[i];
                if (!a.References.SequenceEqual(b.References))
                    throw new ArgumentException($"Example {i}: the references of '{other.Name}' differ from those of '{first.Name}'.", nameof(systems));
                if (a.Source.Length > 0 && b.Source.Length > 0 && a.Source != b.Source)
                    throw new ArgumentException($"Example {i}: the source of '{other.Name}' differs from that of '{first.Name}'.", nameof(systems));
            }
        }
    }

    /// <summary>A seeded partial Fisher–Yates shuffle (numpy's MT19937 draws, so the choice is stable across .NET versions).</summary>
    static int[] Sample(int total, int count, uint seed)
    {
        var order = Enumerable.Range(0, total).ToArray();
        int n = Math.Min(count, total);
        var rng = new NumpyLegacyRandom(seed);
        for (int i = 0; i < n; i++)
        {
            int j = i + rng.NextBelow(total - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order[..n];
        Array.Sort(chosen);
        return chosen;
    }
}
