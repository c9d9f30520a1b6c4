using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Generation;

/// <summary>A cohort's requests, decoded together with different settings and lengths, each give exactly what they give alone.</summary>
public class DecodingCohortTests
{
    static readonly string Model = Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    static long[][] Solo(PretrainedT5 p, long[] ids, GenerationConfig config)
    {
        using var scope = NewDisposeScope();
        var t = tensor(ids, [1, ids.Length]);
        return Seq2SeqGenerator.Generate(p.Model, t, ones_like(t), config).Sequences;
    }

    [Fact]
    public void MixedRequestsEqualTheirSoloSequences()
    {
        using var p = PretrainedT5.Load(Model);
        var baseConfig = new GenerationSettings().Resolve(p).Config;
        string[] prompts = ["summarize: the cat sat on the mat and looked at the dog", "hello", "translate English to German: how old are you?", "a b c d e f g h i j k l m n o p"];
        GenerationConfig[] configs =
        [
            baseConfig with { MaxNewTokens = 12 },
            baseConfig with { MaxNewTokens = 5, DoSample = true, Seed = 7, TopK = 20 },
            baseConfig with { MaxNewTokens = 9, RepetitionPenalty = 1.3, NoRepeatNgramSize = 2 },
            baseConfig with { MaxNewTokens = 16, DoSample = true, Seed = 3, NumReturnSequences = 2, Temperature = 0.7, MinNewTokens = 10 },
        ];
        var ids = prompts.Select(x => p.Tokenizer.Encode(x).Select(i => (long)i).ToArray()).ToArray();
        var requests = ids.Zip(configs, (i, c) => new CohortRequest(i, c)).ToList();
        using (var cohort = new DecodingCohort(p.Model, requests))
        {
            int steps = 0;
            var finishedAt = new Dictionary<CohortRequest, int>();
            while (cohort.Active)
            {
                steps++;
                foreach (var r in cohort.Step()) finishedAt[r] = steps;
            }
            Assert.Equal(4, finishedAt.Count);
            Assert.True(finishedAt[requests[1]] <= 5, "a short request leaves the cohort when it is done"); // not at the end of the batch
        }
        for (int i = 0; i < requests.Count; i++)
            Assert.Equal(Solo(p, ids[i], configs[i]), requests[i].Sequences!);
    }

    [Fact]
    public void ACancelledRequestLeavesAndTheOthersContinue()
    {
        using var p = PretrainedT5.Load(Model);
        var config = new GenerationSettings().Resolve(p).Config with { MaxNewTokens = 20, MinNewTokens = 20 };
        bool stop = false;
        var ids = p.Tokenizer.Encode("hello there").Select(i => (long)i).ToArray();
        var a = new CohortRequest(ids, config, cancelled: () => stop);
        var b = new CohortRequest(ids, config);
        using var cohort = new DecodingCohort(p.Model, [a, b]);
        cohort.Step();
        cohort.Step();
        stop = true;
        var left = cohort.Step();
        Assert.Equal([a], left);
        Assert.True(a.WasCancelled);
        Assert.Equal(3, a.Sequences![0].Length); // start + the 2 tokens made before it left
        Assert.Equal(1, cohort.Count);
        while (cohort.Active) cohort.Step();
        Assert.Equal(Solo(p, ids, config), b.Sequences!);
    }

    [Fact]
    public void RequestsJoiningARunningCohortAtDifferentStepsEqualTheirSoloSequences()
    {
        using var p = PretrainedT5.Load(Model);
        var c0 = new GenerationSettings().Resolve(p).Config;
        long[] Ids(string text) => p.Tokenizer.Encode(text).Select(i => (long)i).ToArray();
        // (joins after this many steps, prompt, settings): source lengths differ both ways at each join, so the cross
        // attention is padded to the longer side; the first ones leave before the later ones, so the leading decoder
        // slots and the longest source get trimmed while the others keep decoding
        (int At, long[] Ids, GenerationConfig Config)[] plan =
        [
            (0, Ids("summarize: the cat sat on the mat and looked at the dog"), c0 with { MaxNewTokens = 14, MinNewTokens = 14 }),
            (0, Ids("hello"), c0 with { MaxNewTokens = 4, DoSample = true, Seed = 5, TopK = 30 }),
            (2, Ids("translate English to German: how old are you, and where do you live now, my dear friend of many years?"),
                c0 with { MaxNewTokens = 10, MinNewTokens = 10, RepetitionPenalty = 1.4, NoRepeatNgramSize = 2 }),
            (5, Ids("a b c"), c0 with { MaxNewTokens = 16, MinNewTokens = 10, DoSample = true, Seed = 11, NumReturnSequences = 2, TopP = 0.9, Temperature = 0.8 }),
            (5, Ids("question: why?"), c0 with { MaxNewTokens = 3 }),
            (14, Ids("summarize: a long list of words that makes this source the longest of the ones still decoding here"),
                c0 with { MaxNewTokens = 6, RepetitionPenalty = 1.2 }),
        ];
        var requests = plan.Select(x => new CohortRequest(x.Ids, x.Config)).ToArray();
        long cachedAfter14 = -1;
        using (var cohort = new DecodingCohort(p.Model))
        {
            for (int steps = 0; steps == 0 || cohort.Active; steps++)
            {
                if (steps == 14) cachedAfter14 = cohort.CachedPositions;
                cohort.Add(requests.Where((_, i) => plan[i].At == steps).ToList());
                cohort.Step();
            }
        }
        // after 14 steps only the request that joined after 5 is left: the 5 slots before it are gone
        Assert.Equal(14 - 5, cachedAfter14);
        for (int i = 0; i < plan.Length; i++)
            Assert.Equal(Solo(p, plan[i].Ids, plan[i].Config), requests[i].Sequences!);
    }
}
