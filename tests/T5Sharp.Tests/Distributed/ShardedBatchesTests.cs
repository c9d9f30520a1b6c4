using T5Sharp.Distributed;
using T5Sharp.Evaluation;
using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// Sharded work gathered back, with N ranks as threads (<see cref="ThreadRanks"/>): every rank ends with the results of
/// one process, in input order, having computed only its own batches — for the bare runner, the evaluator and the
/// trainer's evaluation (whose metrics every rank must see the same, for early stopping and the best model).
/// </summary>
public class ShardedBatchesTests
{
    // a result per record that survives the trip exactly: text, a double with all its bits, ±∞ and NaN, an array
    public sealed record Out(string Text, double Value, float[] Floats);

    static Out[] Expected(int record) =>
    [
        new($"r{record} \"ü\"\n", record / 3.0, [record, float.NegativeInfinity]),
        new($"r{record} again", record == 4 ? double.NaN : -record * Math.PI, [float.PositiveInfinity]),
    ];

    [Theory]
    [InlineData(1, 7, 2)]
    [InlineData(2, 7, 2)]  // the last round: rank 1 has nothing
    [InlineData(3, 7, 2)]
    [InlineData(2, 8, 3)]  // short last batch on rank 0 of round 1
    [InlineData(3, 2, 4)]  // fewer batches than ranks
    [InlineData(2, 0, 4)]  // nothing to do
    public void EveryRankGetsEveryResultInInputOrderAndComputesOnlyItsBatches(int worldSize, int count, int batchSize)
    {
        var records = Enumerable.Range(0, count).ToList();
        var (results, world) = ThreadRanks.Run(worldSize, group =>
        {
            var computed = new List<int>();
            var rounds = ShardedBatches.Run(group, records, batchSize, (batch, start) =>
            {
                Assert.Equal(records.Skip(start).Take(batch.Count), batch);
                computed.AddRange(batch);
                return batch.SelectMany(Expected).ToList();
            }).ToList();
            return (Rounds: rounds, Computed: computed);
        });
        var shards = new BatchShards(count, batchSize, worldSize);
        var all = records.SelectMany(Expected).ToList();
        for (int rank = 0; rank < worldSize; rank++)
        {
            var (rounds, computed) = results[rank];
            var gathered = rounds.SelectMany(r => r.Results).ToList();
            Assert.Equal(all.Count, gathered.Count);
            for (int i = 0; i < all.Count; i++)
            {
                Assert.Equal(all[i].Text, gathered[i].Text);
                Assert.Equal(BitConverter.DoubleToInt64Bits(all[i].Value), BitConverter.DoubleToInt64Bits(gathered[i].Value));
                Assert.Equal(all[i].Floats, gathered[i].Floats);
            }
            Assert.Equal(rounds.Select(r => r.Start + r.Count), rounds.Select((r, i) => shards.RecordsOfRound(i)).Select(x => x.Start + x.Count));
            Assert.Equal(shards.BatchesOf(rank).SelectMany(b => Enumerable.Range(shards.RecordsOf(b).Start, shards.RecordsOf(b).Count)), computed);
            if (worldSize > 1) Assert.Equal(shards.Rounds, world.Gathers[rank]); // one gather a round, on every rank alike
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ShardedEvaluatorGivesEveryRankTheSingleProcessResult(int worldSize)
    {
        var sources = Enumerable.Range(0, 7).Select(i => $"the cat sat on mat number {i}").ToList();
        IReadOnlyList<IReadOnlyList<string>> references = sources.Select(s => (IReadOnlyList<string>)[s.Replace("cat", "dog"), "a mat"]).ToList();
        IReadOnlyList<string> Generate(IReadOnlyList<string> chunk) => chunk.Select(s => s.Replace("sat on", "sat near")).ToList();
        var options = new EvaluatorOptions { ChunkSize = 2, BootstrapSamples = 50 };
        var single = Evaluator.Evaluate(sources, references, Generate, options);

        var (results, _) = ThreadRanks.Run(worldSize, group =>
        {
            var reported = new List<int>();
            var result = Evaluator.Evaluate(sources, references, Generate, options, examples => reported.AddRange(examples.Select(e => e.Index)), group);
            return (result, reported);
        });
        foreach (var (result, reported) in results)
        {
            Assert.Equal(Enumerable.Range(0, 7), reported); // written in input order, each once
            Assert.Equal(single.Examples.Select(e => (e.Index, e.Prediction)), result.Examples.Select(e => (e.Index, e.Prediction)));
            Assert.Equal(single.Summary.Metrics, result.Summary.Metrics);
            Assert.Equal(single.Summary.Intervals, result.Summary.Intervals);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ShardedTrainingEvaluationEqualsOneProcessOnEveryRank(int worldSize)
    {
        using var temp = new TempDir();
        string data = WriteData(temp), model = WriteModel(temp, 0.0);
        // 8 records in batches of 3: [3] [3] [2] — an uneven last round for 2 ranks, one round for 3
        var options = Options(model, data, temp.File("run"), "per_device_eval_batch_size=3", "predict_with_generate=true", "generation_max_length=12");
        TrainingEvaluation Evaluate(IProcessGroup group, Action<int, int>? onBatch = null)
        {
            using var pretrained = PretrainedT5.Load(model);
            var trainer = new Seq2SeqTrainer(options, pretrained);
            var evaluator = new TrainingEvaluator(trainer.Data!.Eval!, pretrained.Tokenizer, options.Training,
                GenerationConfigJson.ForModel(pretrained), true, 8) { Group = group };
            return evaluator.Evaluate(pretrained.Model, onBatch);
        }
        var single = Evaluate(SingleProcess.Instance);
        Assert.Equal(8, single.Predictions.Count);

        var (results, _) = ThreadRanks.Run(worldSize, group =>
        {
            var progress = new List<(int, int)>();
            return (Evaluation: Evaluate(group, (done, total) => progress.Add((done, total))), Progress: progress);
        });
        foreach (var (evaluation, progress) in results)
        {
            Assert.Equal(single.Predictions, evaluation.Predictions);
            // the same batches summed in the same order: equal to the last bit, eval_loss included
            Assert.Equal(single.Metrics, evaluation.Metrics);
            Assert.Equal(worldSize == 2 ? [(6, 8), (8, 8)] : [(8, 8)], progress);
        }
    }
}
