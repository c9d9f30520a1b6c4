using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Training;

/// <summary>
/// bf16 mixed-precision training (bf16: true): the matmuls compute in bf16 while the master weights, optimizer state
/// and checkpoints stay float32. The loss tracks the float32 run's, checkpoints are float32 and load as any model,
/// and a LoRA run keeps its base in bf16 and its adapter in float32.
/// </summary>
[Collection(GlobalRngCollection.Name)] // dropout and initialisation draw from torch's process-wide generator
public class BFloat16TrainingTests
{
    static TrainingArguments Arguments(bool bf16, string output) => new()
    {
        Optim = "adamw_torch", LearningRate = 1e-3, WeightDecay = 0.01, NumTrainEpochs = 4, PerDeviceTrainBatchSize = 1,
        LrSchedulerType = "linear", WarmupSteps = 2, LoggingSteps = 1, Seed = 7, SaveStrategy = "no", OutputDir = output, Bf16 = bf16,
    };

    static List<StepReport> Train(T5ForConditionalGeneration model, bool bf16, string output)
    {
        var recorder = new StepRecorder();
        new Seq2SeqTrainer(model, Arguments(bf16, output), ResumeTests.SingleRowBatches(), [recorder]).Train();
        return recorder.Steps;
    }

    static T5ForConditionalGeneration FixtureModel(string name, double dropout)
    {
        TorchRuntime.Initialize();
        string dir = HfModelDir(name);
        var config = T5Config.Load(Path.Combine(dir, "config.json"));
        config.DropoutRate = dropout;
        var model = new T5ForConditionalGeneration(config);
        var weights = SafeTensors.Load(Path.Combine(dir, "model.safetensors"));
        model.LoadStateDict(weights, dir);
        foreach (var t in weights.Values) t.Dispose();
        return model;
    }

    [Theory]
    [InlineData("tiny-flan", 0.1)] // gated-gelu, untied lm_head, dropout on (the explicit attention path)
    [InlineData("tiny-flan", 0.0)] // fused attention
    [InlineData("tiny-t5v1", 0.1)] // relu, lm_head tied to the embedding
    public void Bf16LossStaysCloseToFloat32(string name, double dropout)
    {
        using var temp = new TempDir();
        using var float32 = FixtureModel(name, dropout);
        var want = Train(float32, bf16: false, temp.File("f32"));
        using var bf16 = FixtureModel(name, dropout);
        var got = Train(bf16, bf16: true, temp.File("bf16"));

        Assert.Equal(ComputeType.BFloat16, bf16.AutocastComputeType);
        Assert.Equal(ComputeType.Float32, bf16.ComputeType); // nothing converted: master weights stay float32
        Assert.All(bf16.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Equal(want.Count, got.Count);
        // Measured (12 AdamW steps on one-row batches): relative gap of each step's loss at most 0.27 % (tiny-flan with
        // dropout), 0.70 % (tiny-flan without) and 3.6 % (tiny-t5v1: relu switches units on bf16 rounding, and the gap
        // grows on one row); at the last step 0.06 %, 0.15 % and 1.24 %. Asserted with margin: every step under 6 %,
        // the last under 3 %, and the bf16 path ran (the losses aren't bit-equal).
        for (int i = 0; i < want.Count; i++)
        {
            double gap = Math.Abs(got[i].Loss - want[i].Loss) / want[i].Loss;
            Assert.True(gap < (i == want.Count - 1 ? 0.03 : 0.06), $"step {i + 1}: bf16 loss {got[i].Loss} vs float32 {want[i].Loss} ({gap:P2})");
        }
        Assert.NotEqual(want.Select(s => s.Loss), got.Select(s => s.Loss));
    }
}
