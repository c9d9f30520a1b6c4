using T5Sharp.Peft;
using TorchSharp;
using static TorchSharp.torch;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>
/// Three torch AdamW steps over exactly the parameters LoRA marks trainable, against peft's run (lora-qv): losses,
/// pre-clip gradient norms and the final A/B tensors. The base weights must not move.
/// </summary>
public class LoraAdamWParityTests
{
    [Fact]
    public void AdamWOnTrainableLoraParametersMatchesPeft()
    {
        using var model = BaseModel();
        var reference = Reference("lora-qv").GetProperty("adamw3_on_lora_params");
        var refs = Refs("lora-qv");
        var lora = LoraAdapter.Load(model, AdapterDir("lora-qv"), trainable: true);
        var baseQ = model.state_dict()["encoder.block.0.layer.0.SelfAttention.q.weight"].detach().clone();

        var trainable = lora.TrainableParameters();
        var parameters = trainable.Select(p => p.Parameter).ToList();
        // the reference's hyper-parameters: AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01), clip 1.0
        Assert.Contains("lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01", reference.GetProperty("optimizer").GetString());
        using var optimizer = optim.AdamW(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        var (inputIds, mask, labels) = HfBatch();
        var losses = reference.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var norms = reference.GetProperty("grad_norms_before_clip").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var output = model.Forward(inputIds, mask, labels: labels);
            output.Loss!.backward();
            double norm = nn.utils.clip_grad_norm_(parameters, 1.0);
            Assert.Equal(losses[step], output.Loss.item<float>(), 1e-4);
            Assert.Equal(norms[step], norm, 1e-4);
            optimizer.step();
        }

        var adamw = refs.Keys.Where(k => k.StartsWith("adamw3.")).ToList();
        Assert.Equal(trainable.Count, adamw.Count);
        foreach (var (name, parameter) in trainable)
        {
            string key = "adamw3." + LoraParameterNames.PeftPrefix + name;
            Assert.True(MaxAbsDiff(parameter, refs[key]) < 1e-4, key);
        }
        Assert.Equal(0.0, MaxAbsDiff(model.state_dict()["encoder.block.0.layer.0.SelfAttention.q.weight"], baseQ));
    }
}
