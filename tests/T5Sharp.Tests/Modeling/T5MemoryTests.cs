using T5Sharp.Generation;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>
/// No dispose scope around the calls here: every tensor the library creates must be freed by the library itself or
/// belong to the returned output, so the live-tensor count stays flat across repetitions.
/// </summary>
public class T5MemoryTests
{
    // Per thread: tensors created minus tensors disposed on this thread. xunit reuses its threads, and an earlier test on
    // the same thread may have disposed tensors created on another (a server's scheduler thread, say), so the count
    // starts at an arbitrary offset: compare with the count taken when the test began.
    static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void RepeatedForwardBackwardLeavesNoLiveTensors()
    {
        long atStart = Live;
        using var model = LoadModel(HfModelDir("tiny-t5v1"));
        var (inputIds, mask, labels) = HfBatch();
        void Step()
        {
            using var output = model.Forward(inputIds, mask, labels: labels, outputHiddenStates: true);
            output.Loss!.backward();
            model.zero_grad();
        }
        Step(); // the first backward allocates the .grad tensors, which live as long as the parameters
        long before = Live;
        Assert.True(before > atStart, "the statistics must count live tensors");
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(before, Live);
    }

    [Fact]
    public void RepeatedGreedyDecodingLeavesNoLiveTensors()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var (inputIds, mask, _) = HfBatch();
        var options = new GenerationConfig { MaxNewTokens = 12, MinNewTokens = 3 };
        Seq2SeqGenerator.Generate(model, inputIds, mask, options);
        long before = Live;
        for (int i = 0; i < 2; i++) Seq2SeqGenerator.Generate(model, inputIds, mask, options);
        Assert.Equal(before, Live);
    }
}
