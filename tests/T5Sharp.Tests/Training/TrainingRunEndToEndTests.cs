using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// A tiny random model with the real FLAN-T5 tokenizer, trained by a <see cref="Seq2SeqTrainer"/> built from run options on 8 pairs: the loss
/// must fall far below its start and greedy outputs must become the targets; a run cancelled mid-way and resumed from
/// its checkpoint must end exactly like an uninterrupted one (same losses, same weights), with shuffling and dropout on.
/// </summary>
[Collection(GlobalRngCollection.Name)] // dropout draws from torch's process-wide generator
public class TrainingRunEndToEndTests
{
    static readonly (string Source, string Target)[] Pairs =
    [
        ("Anna: see you at the station at nine", "Anna meets at the station at 9."),
        ("Ben: the cinema on Friday?", "Ben suggests the cinema on Friday."),
        ("Carla: I lost my keys again", "Carla lost her keys."),
        ("Dan: lunch at the cafe tomorrow", "Dan invites to lunch tomorrow."),
        ("Eva: the meeting moved to Monday", "The meeting is on Monday."),
        ("Finn: can you feed the cat", "Finn asks to feed the cat."),
        ("Gina: my train is late", "Gina's train is late."),
        ("Hugo: bring the blue folder", "Hugo needs the blue folder."),
    ];

    internal static string WriteData(TempDir temp)
    {
        string path = temp.File("pairs.jsonl");
        File.WriteAllLines(path, Pairs.Select(p => JsonSerializer.Serialize(new { dialogue = p.Source, summary = p.Target })));
        return path;
    }

    internal static string WriteModel(TempDir temp, double dropout)
    {
        var config = T5Config.Load(Path.Combine(SharedPaths.RealTokenizer, "config.json"));
        config.DModel = 64; config.DKv = 16; config.DFf = 128; config.NumHeads = 4; config.NumLayers = 2; config.NumDecoderLayers = 2;
        config.DropoutRate = dropout;
        using var model = RandomModel.Create(config, 11);
        string dir = temp.File("init");
        ModelFolder.Save(dir, config, model.state_dict(), tokenizerSourceDir: SharedPaths.RealTokenizer);
        return dir;
    }

    internal static RunOptions Options(string model, string data, string output, params string[] overrides) =>
        RunOptions.Parse(null, "test", [
            $"model={model}", $"data={data}", $"eval_data={data}", "source_field=dialogue", "target_field=summary",
            $"output_dir={output}", "per_device_train_batch_size=8", "learning_rate=0.003", "warmup_steps=5", "logging_steps=1",
            "save_strategy=no", .. overrides,
        ]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // bf16 mixed precision: the same bar, evaluation and generation in bf16 too
    public void TinyModelMemorisesPairs(bool bf16)
    {
        using var temp = new TempDir();
        string data = WriteData(temp);
        var options = Options(WriteModel(temp, 0.0), data, temp.File("run"), "max_steps=100", "eval_strategy=steps", "eval_steps=100",
            "eval_on_start=true", "predict_with_generate=true", "generation_max_length=24", "metric_for_best_model=rouge1",
            "save_strategy=steps", "save_steps=50", "save_total_limit=1", "lr_scheduler_type=constant_with_warmup", $"bf16={(bf16 ? "true" : "false")}");
        using var pretrained = PretrainedT5.Load(options.Model!);
        var result = new Seq2SeqTrainer(options, pretrained).Train();

        var losses = result.State.LogHistory.Where(e => e.Loss is not null).Select(e => e.Loss!.Value).ToList();
        Assert.Equal(100, losses.Count);
        Assert.True(losses[^1] < 0.1 * losses[0], $"final loss {losses[^1]} is not below a tenth of the first {losses[0]}");

        var targets = Pairs.Select(p => p.Target).ToList();
        var before = result.Evaluations[0];
        var after = result.Evaluations[^1];
        Assert.Equal([0L, 100L], result.Evaluations.Select(e => e.Step));
        Assert.Equal(0, before.Evaluation.Predictions.Zip(targets).Count(p => p.First == p.Second));
        int memorised = after.Evaluation.Predictions.Zip(targets).Count(p => p.First == p.Second);
        Assert.True(memorised >= 6, $"only {memorised} of 8 greedy outputs equal their targets: {string.Join(" | ", after.Evaluation.Predictions)}");
        Assert.True(after.Evaluation.Metrics["eval_rouge1"] > before.Evaluation.Metrics["eval_rouge1"] + 0.5);

        // checkpoint-50 had no evaluation; save_total_limit 1 keeps only the newest, the best; the final folder loads and generates the same
        Assert.Equal(["checkpoint-100"], CheckpointRotation.Sorted(temp.File("run")).Select(Path.GetFileName));
        Assert.Equal(result.State.LogHistory.Count, File.ReadAllLines(temp.File("run/metrics.jsonl")).Length);
        using var final = PretrainedT5.Load(result.FinalModelDir!);
        var greedy = T5Sharp.Generation.TextGenerator.Generate(final, Pairs.Select(p => p.Source).ToList(),
            T5Sharp.Generation.GenerationConfigJson.ForModel(final) with { MaxLength = 24 });
        Assert.Equal(after.Evaluation.Predictions, greedy);
    }

    [Fact]
    public void CancelledRunResumesExactly()
    {
        using var temp = new TempDir();
        string data = WriteData(temp);
        string model = WriteModel(temp, 0.1);
        string[] common = ["max_steps=12", "per_device_train_batch_size=2", "gradient_accumulation_steps=2", "seed=5"];

        TrainOutput Full()
        {
            using var pretrained = PretrainedT5.Load(model);
            var result = new Seq2SeqTrainer(Options(model, data, temp.File("full"), common), pretrained).Train();
            return result;
        }
        var full = Full();

        using var cancel = new CancellationTokenSource();
        TrainOutput stopped;
        using (var first = PretrainedT5.Load(model))
            stopped = new Seq2SeqTrainer(Options(model, data, temp.File("split"), common), first,
                    [new StepRecorder(onStep: s => { if (s.GlobalStep == 5) cancel.Cancel(); })])
                .Train(cancellation: cancel.Token);
        Assert.True(stopped.Cancelled);
        Assert.Null(stopped.FinalModelDir);
        Assert.Equal("checkpoint-5", Path.GetFileName(stopped.LastCheckpoint));

        using var resumed = PretrainedT5.Load(model);
        var result = new Seq2SeqTrainer(Options(model, data, temp.File("split"), common), resumed).Train(resumeFromCheckpoint: stopped.LastCheckpoint);
        Assert.Equal(full.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm, e.TrainLoss)),
            result.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm, e.TrainLoss)));
        var want = SafeTensors.Load(Path.Combine(full.FinalModelDir!, "model.safetensors"));
        var got = SafeTensors.Load(Path.Combine(result.FinalModelDir!, "model.safetensors"));
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in want) Assert.True(tensor.equal(got[name]).all().item<bool>(), $"{name} differs after resume");
    }

    [Fact]
    public void LoraRunTrainsOnlyTheAdapterAndCheckpointsItInPeftLayoutAndResumesExactly()
    {
        using var temp = new TempDir();
        string data = WriteData(temp);
        string model = WriteModel(temp, 0.1);
        string[] common = ["max_steps=40", "learning_rate=0.01", "seed=3", "save_strategy=steps", "save_steps=20",
            "lora=r=8,alpha=16,targets=q,k,v,o,wi_0,wi_1,wo"];

        using var pretrained = PretrainedT5.Load(model);
        var baseWeights = pretrained.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var run = new Seq2SeqTrainer(Options(model, data, temp.File("lora"), common), pretrained);
        Assert.NotNull(run.Lora);
        var result = run.Train();

        var losses = result.State.LogHistory.Where(e => e.Loss is not null).Select(e => e.Loss!.Value).ToList();
        Assert.True(losses[^1] < 0.5 * losses[0], $"LoRA loss fell only from {losses[0]} to {losses[^1]}");
        // the optimizer saw only the adapter: every base weight is bit for bit what it was
        foreach (var (name, before) in baseWeights)
            Assert.True(before.equal(pretrained.Model.state_dict()[name]).all().item<bool>(), $"base weight {name} moved");
        // checkpoints and final/ hold the adapter in peft's layout, not the model
        foreach (var dir in new[] { temp.File("lora/checkpoint-20"), result.FinalModelDir! })
        {
            Assert.True(File.Exists(Path.Combine(dir, "adapter_config.json")), dir);
            Assert.True(File.Exists(Path.Combine(dir, "adapter_model.safetensors")), dir);
            Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")), dir);
        }

        // resuming from checkpoint-20 on a fresh copy of the base model ends exactly where the uninterrupted run did
        using var again = PretrainedT5.Load(model);
        var resumed = new Seq2SeqTrainer(Options(model, data, temp.File("lora-resumed"), common), again)
            .Train(resumeFromCheckpoint: temp.File("lora/checkpoint-20"));
        Assert.Equal(result.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm)), resumed.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm)));
        var want = SafeTensors.Load(Path.Combine(result.FinalModelDir!, "adapter_model.safetensors"));
        var got = SafeTensors.Load(Path.Combine(resumed.FinalModelDir!, "adapter_model.safetensors"));
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in want) Assert.True(tensor.equal(got[name]).all().item<bool>(), $"{name} differs after resume");
    }

    [Fact]
    public void ALoraRunStartsFromTheAdapterItsSeedDraws()
    {
        using var temp = new TempDir();
        string data = WriteData(temp);
        string model = WriteModel(temp, 0.0);
        int runs = 0;
        Dictionary<string, float[]> InitialAdapter(int seed)
        {
            using var pretrained = PretrainedT5.Load(model);
            TorchSharp.torch.rand(17).Dispose(); // whatever drew from the global generator before must not matter
            _ = new Seq2SeqTrainer(Options(model, data, temp.File($"run{runs++}"), "lora=r=4,alpha=8,targets=q,v", $"seed={seed}"), pretrained);
            return pretrained.Model.named_parameters().Where(p => p.name.Contains("lora_A"))
                .ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        }

        var first = InitialAdapter(3);
        var again = InitialAdapter(3);
        var other = InitialAdapter(4);
        Assert.NotEmpty(first);
        foreach (var (name, values) in first)
        {
            Assert.Equal(values, again[name]);
            Assert.NotEqual(values, other[name]);
        }
    }
}
