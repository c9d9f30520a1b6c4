using T5Sharp.Generation.Processors;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// transformers' generate() for T5: validates the settings, encodes once, expands rows for beams or several samples,
/// and runs greedy, sampling, beam search or beam sampling on the decoder's key/value cache.
/// </summary>
public static class Seq2SeqGenerator
{
    /// <param name="inputIds">[B, S] right-padded source ids.</param>
    /// <param name="attentionMask">[B, S] 1 for tokens, 0 for padding.</param>
    /// <param name="streamer">Receives each step's tokens (greedy and sampling only).</param>
    /// <param name="cancellation">Checked before every decoding step: a cancelled token ends generation with an
    /// <see cref="OperationCanceledException"/> within one step, however long the outputs would have been.</param>
    public static GenerationOutput Generate(T5ForConditionalGeneration model, Tensor inputIds, Tensor attentionMask,
        GenerationConfig config, IGenerationStreamer? streamer = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        config.Validate();
        if (config.MaxNewTokens == 0 || config.ResolvedMaxLength < 2)
            throw new GenerationConfigException(
                $"nothing to generate: max_new_tokens must be at least 1 (or max_length, which counts the start token, at least 2); got max_new_tokens={config.MaxNewTokens}, max_length={config.MaxLength}");
        if (streamer is not null && config.NumBeams > 1)
            throw new GenerationConfigException("streaming works with greedy decoding and sampling only, not with num_beams > 1 (as in transformers)");
        var modelConfig = model.Config;
        int batch = (int)inputIds.shape[0];
        int rowsPerInput = config.NumBeams > 1 ? config.NumBeams : config.NumReturnSequences;
        long eos = config.EosTokenId ?? modelConfig.EosTokenId;
        var setup = new SearchSetup(
            config, batch, rowsPerInput,
            Start: config.DecoderStartTokenId ?? modelConfig.DecoderStartId,
            Eos: eos,
            Pad: config.PadTokenId ?? modelConfig.PadTokenId,
            MaxLength: config.ResolvedMaxLength,
            Processors: LogitsPipeline.Processors(config, eos),
            Warpers: LogitsPipeline.Warpers(config),
            EncoderIds: HostRows(inputIds),
            Sampler: config.DoSample ? new torch.Generator((ulong)(config.Seed ?? Random.Shared.NextInt64()), inputIds.device) : null,
            Device: inputIds.device,
            Cancellation: cancellation);

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var encoded = model.Encode(inputIds, attentionMask);
            using var cache = model.CreateDecoderCache(encoded, attentionMask, setup.MaxLength);
            encoded.Dispose();
            if (rowsPerInput > 1)
            {
                using var expand = arange(batch, ScalarType.Int64).repeat_interleave(rowsPerInput);
                cache.Reorder(expand);
            }
            var output = config.NumBeams > 1 ? BeamSearch.Run(model, cache, setup) : SampleSearch.Run(model, cache, setup, streamer);
            return output;
        }
        finally
        {
            setup.Sampler?.Dispose();
            if (wasTraining) model.train();
        }
    }

    static long[][] HostRows(Tensor ids)
    {
        using var scope = NewDisposeScope(); // .to() and .cpu() each return a new handle, even when nothing changes
        var flat = ids.to(ScalarType.Int64).cpu().data<long>().ToArray();
        int rows = (int)ids.shape[0], columns = (int)ids.shape[1];
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }
}
