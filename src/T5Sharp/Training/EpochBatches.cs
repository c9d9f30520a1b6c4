using T5Sharp.Data;
using T5Sharp.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// The training micro-batches of each epoch: the examples in a seeded random order that changes every epoch
/// (HF's sampler: <c>torch.randperm(n, generator seeded with seed + epoch)</c>), in HF's group_by_length order
/// (<see cref="LengthGroupedSampler"/>, seeded with seed + epoch, megabatches of batch size × accumulation steps as HF
/// builds the sampler), or in file order, cut into batches of per_device_train_batch_size (the last may be smaller, as
/// HF's dataloader keeps it) and collated on demand, so only the current micro-batch's tensors exist. In a run of N
/// ranks every rank makes the same order and takes its share of the batches (<see cref="EpochShard"/>, as accelerate
/// shards HF's dataloader).
/// </summary>
public sealed class EpochBatches
{
    readonly Seq2SeqTokenizedDataset _data;
    readonly Seq2SeqCollator _collator;
    readonly int _batchSize;
    readonly bool _shuffle;
    readonly int _seed;
    readonly int? _groupedBatchSize;
    readonly int _rank, _worldSize;
    long _orderEpoch = -1;
    int[] _order = [];

    /// <param name="shuffle">Reshuffle every epoch; false keeps file order. group_by_length takes precedence.</param>
    /// <param name="rank">This process's rank among <paramref name="worldSize"/> (1: a plain run, every batch).</param>
    public EpochBatches(Seq2SeqTokenizedDataset data, TrainingArguments args, bool shuffle, int? padToMultipleOf, int rank = 0, int worldSize = 1)
    {
        if (data.Count == 0) throw new TrainingException("the training set is empty");
        _data = data;
        _batchSize = args.PerDeviceTrainBatchSize;
        _shuffle = shuffle;
        _seed = args.Seed;
        _groupedBatchSize = args.GroupByLength ? args.PerDeviceTrainBatchSize * args.GradientAccumulationSteps : null;
        _collator = new Seq2SeqCollator(padToMultipleOf: padToMultipleOf);
        (_rank, _worldSize) = (rank, worldSize);
    }

    /// <summary>This rank's micro-batches per epoch (HF: len(train_dataloader) after accelerate prepared it).</summary>
    public int MicroBatchesPerEpoch => EpochShard.MicroBatchesPerRank(_data.Count, _batchSize, _worldSize);

    /// <summary>The example indices of an epoch, in training order.</summary>
    public int[] Order(long epoch)
    {
        if (_groupedBatchSize is int grouped) return LengthGroupedSampler.Indices(_data.InputLengths(), grouped, (int)(_seed + epoch));
        if (!_shuffle) return Enumerable.Range(0, _data.Count).ToArray();
        using var generator = new torch.Generator((ulong)(_seed + epoch));
        using var permutation = torch.randperm(_data.Count, ScalarType.Int64, generator: generator);
        return permutation.data<long>().Select(i => (int)i).ToArray();
    }

    /// <summary>Micro-batch <paramref name="index"/> of <paramref name="epoch"/> as tensors (the caller's dispose scope owns them).</summary>
    public TrainingBatch Get(long epoch, int index)
    {
        if (epoch != _orderEpoch)
        {
            _order = Order(epoch);
            _orderEpoch = epoch;
        }
        var examples = EpochShard.Positions(_order.Length, _batchSize, _worldSize, _rank, index).Select(p => _data[_order[p]]).ToList();
        var (ids, mask, labels) = _collator.Collate(examples).ToTensors();
        return new TrainingBatch(ids, mask, labels);
    }
}
