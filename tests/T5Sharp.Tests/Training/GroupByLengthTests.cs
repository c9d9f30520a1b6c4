using T5Sharp.Data;
using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// group_by_length: each epoch's micro-batches follow LengthGroupedSampler's order, seeded with seed + epoch, its
/// megabatches cut for per_device_train_batch_size × gradient_accumulation_steps (as HF builds the sampler).
/// </summary>
public class GroupByLengthTests
{
    [Fact]
    public void EpochBatchesFollowTheLengthGroupedOrder()
    {
        var mapper = new SourceTargetMapper("dialogue", "summary", null);
        string path = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.train.jsonl");
        var examples = T5Sharp.Data.Readers.RecordReader.Read(path).Take(64).Select(mapper.Map).ToList();
        var data = Seq2SeqTokenizedDataset.Create(examples, T5Tokenizer.FromFolder(SharedPaths.RealTokenizer), 128, 48);
        var args = RunOptions.Parse(null, "test", ["per_device_train_batch_size=4", "gradient_accumulation_steps=2", "seed=5",
            "group_by_length=true"]).Training;
        Assert.True(args.GroupByLength);
        var batches = new EpochBatches(data, args, shuffle: true, padToMultipleOf: null);

        var orders = new List<int[]>();
        for (long epoch = 0; epoch < 2; epoch++)
        {
            var expected = LengthGroupedSampler.Indices(data.InputLengths(), 8, 5 + (int)epoch);
            Assert.Equal(expected, batches.Order(epoch));
            orders.Add(expected);
            for (int i = 0; i < batches.MicroBatchesPerEpoch; i++)
            {
                var batch = batches.Get(epoch, i);
                var rows = batch.InputIds.data<long>().ToArray();
                var mask = batch.AttentionMask.data<long>().ToArray();
                int width = (int)batch.InputIds.shape[1];
                var want = expected.Skip(i * 4).Take(4).ToArray();
                Assert.Equal(want.Length, (int)batch.InputIds.shape[0]);
                for (int r = 0; r < want.Length; r++)
                {
                    var ids = rows.Skip(r * width).Take(width).Where((_, k) => mask[r * width + k] == 1);
                    Assert.Equal(data[want[r]].InputIds, ids);
                }
            }
        }
        // the longest example leads each epoch, and the order changes with the epoch's seed
        Assert.All(orders, o => Assert.Equal(data.InputLengths().Max(), data[o[0]].InputIds.Length));
        Assert.NotEqual(orders[0], orders[1]);
    }
}
