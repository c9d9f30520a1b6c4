namespace T5Sharp.Evaluation;

/// <summary>
/// Writes predictions.jsonl while an evaluation runs: each example is appended and flushed as soon as it is generated
/// (with empty "scores"), so an interrupted or failed run keeps every prediction made so far, readable by
/// <see cref="PredictionsFile.Read"/> (and scorable with `evaluate --predictions`). <see cref="Complete"/> then replaces
/// the file atomically with the scored examples.
/// </summary>
public sealed class PredictionsWriter : IDisposable
{
    readonly FileStream _stream;

    public string Path { get; }
    public int Written { get; private set; }

    /// <summary>Starts the file afresh (an older one at the path is replaced at once: it belongs to an earlier run).</summary>
    public PredictionsWriter(string path)
    {
        Path = path;
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Appends the examples and flushes them to the disk.</summary>
    public void Append(IEnumerable<EvaluationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        foreach (var example in examples)
        {
            PredictionsFile.WriteLine(_stream, example);
            Written++;
        }
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Closes the partial file and writes the final one (with scores) in its place, atomically.</summary>
    public void Complete(IEnumerable<EvaluationExample> examples)
    {
        _stream.Dispose();
        PredictionsFile.Write(Path, examples);
    }

    public void Dispose() => _stream.Dispose();
}
