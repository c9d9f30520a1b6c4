using System.Diagnostics;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>One prompt waiting for, or in, a batch: what to generate, who listens, and how it ended.</summary>
public sealed class GenerationJob(ServedModel model, long[] inputIds, GenerationConfig config, IGenerationStreamer? streamer,
    CancellationToken cancellation)
{
    public ServedModel Model { get; } = model;
    public long[] InputIds { get; } = inputIds;
    public GenerationConfig Config { get; } = config;
    public IGenerationStreamer? Streamer { get; } = streamer;
    public CancellationToken Cancellation { get; } = cancellation;
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    public bool IsBeam => Config.NumBeams > 1;

    readonly TaskCompletionSource<JobResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Task<JobResult> Result => _result.Task;
    internal void Complete(JobResult result) => _result.TrySetResult(result);
    internal void Fail(Exception error) => _result.TrySetException(error);
}

/// <summary>Decoder ids per returned sequence (start token first), and whether the client went away first.</summary>
public sealed record JobResult(long[][] Sequences, bool Cancelled);
