using System.Diagnostics;
using T5Sharp.Distributed;
using T5Sharp.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// What makes the trainer's loop one data-parallel run under an MPI launch, as HF's Trainer under accelerate/DDP: every
/// rank starts from rank 0's parameters; each optimizer step ends, before clipping, with the ranks' losses, token and
/// sample counts and gradients combined; stops are agreed at step boundaries. In a single process every call is the
/// identity (and the loss stays with the trainer, accumulated per micro-batch as HF does).
/// </summary>
internal sealed class DataParallelStep(IProcessGroup world)
{
    // this step's share on this rank
    float _loss;
    long _tokens, _samples;
    string? _nonFiniteLoss;

    public IProcessGroup World => world;
    public bool IsDistributed => world.WorldSize > 1;

    /// <summary>Whether the ranks agreed, at the last step boundary, to stop and save (an interrupt on any of them).</summary>
    public bool CancelAgreed { get; private set; }

    /// <summary>
    /// Every rank starts from rank 0's parameters (DDP's broadcast at construction): after loading, LoRA injection and
    /// freezing, before the optimizer is made; a resume then loads the same checkpoint on every rank.
    /// </summary>
    public void BroadcastParameters(T5ForConditionalGeneration model)
    {
        if (!IsDistributed) return;
        using var noGrad = no_grad();
        foreach (var (_, parameter) in model.named_parameters()) world.Broadcast(parameter);
    }

    /// <summary>One micro-batch's scaled loss (distributed runs only keep it here) and its real tokens and samples.</summary>
    public void Add(float scaledLoss, long tokens, long samples)
    {
        if (IsDistributed) _loss += scaledLoss;
        (_tokens, _samples) = (_tokens + tokens, _samples + samples);
    }

    /// <summary>
    /// A non-finite loss: one process stops at once; a rank remembers it, and every rank stops together at the step's
    /// end (<see cref="Finish"/>) rather than leave the others waiting in a collective.
    /// </summary>
    public void NonFiniteLoss(string what)
    {
        if (!IsDistributed) throw new TrainingException($"{what}; training stopped");
        _nonFiniteLoss ??= $"{what} on rank {world.Rank}";
    }

    /// <summary>
    /// The step's end, before clipping (as DDP's hooks finish before HF's clip_grad_norm_): the ranks agree on a
    /// non-finite loss (all stop), add up tokens and samples, average the loss as HF logs it (the mean over ranks of each
    /// rank's accumulated loss; null in a single process, whose loss the trainer accumulated itself) and average the
    /// gradients of the trainable parameters (the optimizer's: with LoRA only the adapter) in flattened buckets. N
    /// ranks with accumulation A then step exactly as one process with accumulation N × A over the same micro-batches.
    /// </summary>
    public (float? Loss, long Tokens, long Samples, double AllReduceSeconds) Finish(IReadOnlyList<Parameter> parameters, long step)
    {
        var (loss, tokens, samples) = (_loss, _tokens, _samples);
        (_loss, _tokens, _samples) = (0, 0, 0);
        if (!IsDistributed) return (null, tokens, samples, 0);
        var sums = RankAgreement.Sum(world, loss, _nonFiniteLoss is null ? 0 : 1, tokens, samples);
        if (sums[1] > 0)
            throw new TrainingException((_nonFiniteLoss ?? $"step {step}: the loss was not finite on another rank") +
                                        "; training stopped on every rank");
        var clock = Stopwatch.StartNew();
        GradientAllReduce.Mean(world, parameters);
        return ((float)(sums[0] / world.WorldSize), (long)sums[2], (long)sums[3], clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// A step boundary: a stop (early stopping, a callback) or an interrupt on any rank holds for every rank, so that
    /// all leave the loop at the same step (an interrupt: saving together) and none waits in a collective.
    /// </summary>
    public void AgreeOnStop(TrainerControl control, CancellationToken cancellation)
    {
        if (!IsDistributed) return;
        var any = RankAgreement.Any(world, cancellation.IsCancellationRequested, control.ShouldTrainingStop, control.ShouldEpochStop);
        (CancelAgreed, control.ShouldTrainingStop, control.ShouldEpochStop) = (any[0], any[1], any[2]);
    }

    /// <summary>Whether the loop should stop and save before the next step.</summary>
    public bool ShouldCancel(CancellationToken cancellation) => IsDistributed ? CancelAgreed : cancellation.IsCancellationRequested;

    /// <summary>A distributed run's evaluation is not interrupted part-way (its ranks might stop at different batches);
    /// the interrupt takes effect at the next step boundary, agreed by every rank.</summary>
    public CancellationToken ForEvaluation(CancellationToken cancellation) => IsDistributed ? CancellationToken.None : cancellation;
}
