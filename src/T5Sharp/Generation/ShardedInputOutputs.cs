namespace T5Sharp.Generation;

/// <summary>
/// What one rank sends back for one input of a sharded generation: its outputs (num_return_sequences of them) and the
/// input's token count before and after truncation, so that the truncation report covers every rank's inputs.
/// </summary>
public sealed record ShardedInputOutputs(GeneratedText[] Outputs, int KeptLength, int UntruncatedLength);
