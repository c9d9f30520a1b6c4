using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// transformers' schedule multipliers at chosen steps, worked out by hand from optimization.py's formulas:
/// warm-up step/warmup; linear (T − s)/(T − W); cosine 0.5(1 + cos(π·(s − W)/(T − W))); inverse_sqrt
/// 1/√((s + timescale − W)/timescale) with timescale = W or 10,000.
/// </summary>
public class LearningRateScheduleTests
{
    [Theory]
    // linear, W = 4, T = 10
    [InlineData("linear", 4, 10, 0, 0.0)]
    [InlineData("linear", 4, 10, 2, 0.5)]
    [InlineData("linear", 4, 10, 4, 1.0)]
    [InlineData("linear", 4, 10, 7, 0.5)]
    [InlineData("linear", 4, 10, 10, 0.0)]
    [InlineData("linear", 4, 10, 12, 0.0)]
    [InlineData("linear", 0, 8, 0, 1.0)]
    [InlineData("linear", 0, 8, 6, 0.25)]
    // cosine, W = 2, T = 10: progress 0.25 → 0.5(1 + cos(π/4)) = 0.8535533905932737
    [InlineData("cosine", 2, 10, 1, 0.5)]
    [InlineData("cosine", 2, 10, 2, 1.0)]
    [InlineData("cosine", 2, 10, 4, 0.8535533905932737)]
    [InlineData("cosine", 2, 10, 6, 0.5)]
    [InlineData("cosine", 2, 10, 8, 0.14644660940672627)]
    [InlineData("cosine", 2, 10, 10, 0.0)]
    [InlineData("constant", 5, 10, 0, 1.0)]
    [InlineData("constant", 5, 10, 9, 1.0)]
    [InlineData("constant_with_warmup", 5, 10, 0, 0.0)]
    [InlineData("constant_with_warmup", 5, 10, 1, 0.2)]
    [InlineData("constant_with_warmup", 5, 10, 5, 1.0)]
    [InlineData("constant_with_warmup", 5, 10, 100, 1.0)]
    // inverse_sqrt, W = 4 (timescale 4): step 9 → 1/√(9/4) = 2/3, step 16 → 0.5
    [InlineData("inverse_sqrt", 4, 100, 2, 0.5)]
    [InlineData("inverse_sqrt", 4, 100, 4, 1.0)]
    [InlineData("inverse_sqrt", 4, 100, 9, 0.6666666666666666)]
    [InlineData("inverse_sqrt", 4, 100, 16, 0.5)]
    // inverse_sqrt without warm-up: timescale 10,000, step 30,000 → 1/√4
    [InlineData("inverse_sqrt", 0, 100, 0, 1.0)]
    [InlineData("inverse_sqrt", 0, 100, 30000, 0.5)]
    public void MultiplierMatchesHfFormula(string type, long warmup, long total, long step, double expected) =>
        Assert.Equal(expected, new LearningRateSchedule(type, warmup, total).Multiplier(step), 12);

    [Theory]
    [InlineData(0, 0.1, 25, 3)]   // ceil(2.5)
    [InlineData(0, 0.06, 50, 3)]  // 0.06 × 50 is exactly 3.0 in doubles, as in Python
    [InlineData(0, 0.0, 50, 0)]
    [InlineData(7, 0.5, 50, 7)]   // warmup_steps wins when > 0
    public void WarmupStepsAsHfResolvesThem(long steps, double ratio, long total, long expected) =>
        Assert.Equal(expected, LearningRateSchedule.ResolveWarmupSteps(steps, ratio, total));

    [Fact]
    public void SchedulerSetsTheLambdaLrAtCreationAndAfterEachStep()
    {
        using var p = new TorchSharp.Modules.Parameter(TorchSharp.torch.zeros(2));
        var optimizer = new AdamW([new ParameterGroup([("p", p)], 0.0, 5e-4)]);
        var scheduler = new LearningRateScheduler(optimizer, new LearningRateSchedule("linear", 4, 8));
        // run_a's schedule: lr used by step k is 5e-4·k/4 during warm-up, 5e-4·(8 − k)/4 after
        var expected = new[] { 0.0, 1.25e-4, 2.5e-4, 3.75e-4, 5e-4, 3.75e-4, 2.5e-4, 1.25e-4, 0.0 };
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], scheduler.LastLearningRate, 15);
            scheduler.Step();
        }
    }

    [Fact]
    public void UnknownTypeNamesTheAcceptedOnes()
    {
        var e = Assert.Throws<TrainingException>(() => new LearningRateSchedule("polynomial_wobble", 0, 10));
        Assert.Contains("polynomial_wobble", e.Message);
        Assert.Contains("inverse_sqrt", e.Message);
    }
}
