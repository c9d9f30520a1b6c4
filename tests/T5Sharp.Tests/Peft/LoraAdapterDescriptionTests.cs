using T5Sharp.Peft;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>An adapter described as data (what `lora info` prints): config, tensors from the header, and peft's counts.</summary>
public class LoraAdapterDescriptionTests
{
    [Fact]
    public void DescribesPeftsAdapterWithPeftsCounts()
    {
        var reference = Reference("lora-qv");
        var d = LoraAdapterDescription.Read(AdapterDir("lora-qv"), HfModelDir("tiny-flan"));
        Assert.Equal((4, 8.0, 2.0), (d.Config.R, d.Config.LoraAlpha, d.Scaling));
        Assert.Equal(["q", "v"], d.Config.EffectiveTargets);
        Assert.Equal(reference.GetProperty("lora_parameter_names").GetArrayLength(), d.TensorCount);
        Assert.Equal(reference.GetProperty("trainable_parameters").GetInt64(), d.ParameterCount);
        Assert.Equal(reference.GetProperty("trainable_parameters").GetInt64(), d.Trainable!.Value.Trainable);
        Assert.Equal(reference.GetProperty("all_parameters").GetInt64(), d.Trainable!.Value.All);

        Assert.Null(LoraAdapterDescription.Read(AdapterDir("lora-qv")).Trainable); // no base model: no report
    }
}
