using T5Sharp.Generation.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>Everything a decoding loop needs besides the model and its cache, resolved once per generate() call.</summary>
internal sealed record SearchSetup(
    GenerationConfig Config,
    int BatchSize,
    int RowsPerInput,
    long Start,
    long Eos,
    long Pad,
    int MaxLength,
    List<ILogitsProcessor> Processors,
    List<ILogitsProcessor> Warpers,
    long[][] EncoderIds,
    torch.Generator? Sampler,
    Device Device,
    CancellationToken Cancellation = default)
{
    public int Rows => BatchSize * RowsPerInput;
}
