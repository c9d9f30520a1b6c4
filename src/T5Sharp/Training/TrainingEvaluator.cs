using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Evaluation;
using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// Seq2SeqTrainer.evaluate: over the evaluation set in order, in batches of per_device_eval_batch_size, the
/// teacher-forced loss (eval_loss = the mean over examples of their batch's mean cross-entropy, as HF averages the
/// batch losses repeated batch-size times) and, with predict_with_generate, generate(max_length =
/// generation_max_length, num_beams = generation_num_beams) and ROUGE of the decoded texts (skip special tokens,
/// stripped) against the decoded labels (targets cut to max_target_length, as HF decodes them): eval_rouge1/2/L/Lsum (mean F, 0–1) and eval_gen_len (mean count of generated ids
/// that are not pad). The model is put in eval mode and back; no gradients are kept.
/// </summary>
public sealed class TrainingEvaluator
{
    readonly Seq2SeqTokenizedDataset _data;
    readonly IReadOnlyList<string> _references;
    readonly T5Tokenizer _tokenizer;
    readonly TrainingArguments _args;
    readonly GenerationConfig _generation;
    readonly MetricOptions _metricOptions;
    readonly Seq2SeqCollator _collator;

    /// <param name="modelGeneration">The model's own generation settings; generation_max_length / num_beams override them.</param>
    public TrainingEvaluator(Seq2SeqTokenizedDataset data, T5Tokenizer tokenizer,
        TrainingArguments args, GenerationConfig modelGeneration, bool splitSentencesForLsum, int? padToMultipleOf)
    {
        _data = data;
        // the references are the decoded label ids, as HF's compute_metrics sees them: truncated to max_target_length
        _references = tokenizer.DecodeBatch(data.Examples.Select(e => (IEnumerable<long>)e.Labels), skipSpecialTokens: true)
            .Select(t => t.Trim()).ToList();
        _tokenizer = tokenizer;
        _args = args;
        _generation = modelGeneration with
        {
            MaxLength = args.GenerationMaxLength ?? modelGeneration.MaxLength,
            MaxNewTokens = args.GenerationMaxLength is null ? modelGeneration.MaxNewTokens : null,
            NumBeams = args.GenerationNumBeams ?? modelGeneration.NumBeams,
            NumReturnSequences = 1,
        };
        _generation.Validate();
        _metricOptions = new MetricOptions { UseStemmer = true, SplitSentencesForLsum = splitSentencesForLsum };
        _collator = new Seq2SeqCollator(padToMultipleOf: padToMultipleOf);
    }

    public int Count => _data.Count;

    /// <summary>Receives the decoding steps of greedy or sampled generation (tests count the steps run after a cancel).</summary>
    public IGenerationStreamer? Streamer { get; init; }

    /// <summary>
    /// The ranks that share the evaluation (default: the run's, <see cref="DistributedWorld.Current"/>): each evaluates
    /// only its batches (batch k on rank k mod N, <see cref="BatchShards"/>) and the batches' results are gathered in
    /// order, so every rank gets the metrics and predictions of a single-process evaluation (the same batches, summed in
    /// the same order). Every rank must call <see cref="Evaluate"/> together.
    /// </summary>
    public IProcessGroup? Group { get; init; }

    /// <param name="onBatch">After each batch (each round of N batches when sharded): examples done, and the total (for a progress display).</param>
    /// <param name="cancellation">Checked before each batch and each decoding step: a Ctrl-C stops the evaluation within
    /// one step with an <see cref="OperationCanceledException"/>, and no metrics.</param>
    public TrainingEvaluation Evaluate(T5ForConditionalGeneration model, Action<int, int>? onBatch = null, CancellationToken cancellation = default)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            double lossSum = 0;
            long generatedTokens = 0;
            var predictions = new List<string>(_data.Count);
            var rounds = ShardedBatches.Run(Group ?? DistributedWorld.Current, _data.Examples, _args.PerDeviceEvalBatchSize,
                (examples, start) => new[] { EvaluateBatch(model, examples, start, cancellation) });
            foreach (var round in rounds)
            {
                // in batch order, as one process adds them: the sums are the single-process ones to the last bit
                foreach (var batch in round.Results)
                {
                    lossSum += batch.LossTimesCount;
                    generatedTokens += batch.GeneratedTokens;
                    predictions.AddRange(batch.Predictions);
                }
                onBatch?.Invoke(round.Start + round.Count, _data.Count);
            }
            var metrics = new Dictionary<string, double> { ["eval_loss"] = lossSum / _data.Count };
            if (_args.PredictWithGenerate)
            {
                foreach (var (key, value) in Metrics.Compute(["rouge"], predictions, _references, _metricOptions))
                    metrics["eval_" + key] = value;
                metrics["eval_gen_len"] = (double)generatedTokens / _data.Count;
            }
            return new TrainingEvaluation(metrics, predictions);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>One batch's share of the metrics: its mean loss × its size, its generated non-pad ids, its decoded texts.</summary>
    sealed record BatchEvaluation(double LossTimesCount, long GeneratedTokens, string[] Predictions);

    BatchEvaluation EvaluateBatch(T5ForConditionalGeneration model, IReadOnlyList<TokenizedExample> examples, int start, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask, labels) = _collator.Collate(examples).ToTensors();
        var decoderInputs = T5ForConditionalGeneration.ShiftRight(labels, model.Config.DecoderStartId, model.Config.PadTokenId);
        double lossTimesCount;
        using (var output = model.Forward(ids, mask, decoderInputs, labels))
        {
            float loss = output.Loss!.item<float>();
            if (!float.IsFinite(loss)) throw new TrainingException($"evaluation: the loss of examples {start}..{start + examples.Count - 1} is {loss}");
            lossTimesCount = (double)loss * examples.Count;
        }
        if (!_args.PredictWithGenerate) return new BatchEvaluation(lossTimesCount, 0, []);
        var generated = Seq2SeqGenerator.Generate(model, ids, mask, _generation, _generation.NumBeams > 1 ? null : Streamer, cancellation);
        long pad = _generation.PadTokenId ?? model.Config.PadTokenId;
        long tokens = generated.Sequences.Sum(row => row.LongCount(id => id != pad));
        // ids past the tokenizer (32100..32127 of FLAN-T5's 32128 rows) decode to nothing, as in T5TokenizerFast
        var texts = _tokenizer.DecodeBatch(generated.Sequences, skipSpecialTokens: true).Select(t => t.Trim()).ToArray();
        return new BatchEvaluation(lossTimesCount, tokens, texts);
    }
}
