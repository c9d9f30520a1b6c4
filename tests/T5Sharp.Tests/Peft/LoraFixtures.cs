using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Peft;

/// <summary>peft's adapters for tiny-flan (hf/tiny-flan/lora-qv, lora-all) and their references from lora_reference.json.</summary>
public static class LoraFixtures
{
    public static string AdapterDir(string adapter) => Path.Combine(SharedPaths.Hf, "tiny-flan", adapter);

    public static T5ForConditionalGeneration BaseModel() => LoadModel(HfModelDir("tiny-flan"));

    /// <summary>The lora_reference.json entry of <paramref name="adapter"/> ("lora-qv" or "lora-all").</summary>
    public static JsonElement Reference(string adapter) =>
        ReadJson(Path.Combine(SharedPaths.Hf, "tiny-flan", "lora_reference.json")).GetProperty("adapters")
            .EnumerateArray().Single(a => a.GetProperty("name").GetString() == adapter);

    /// <summary>lora_refs.safetensors: logits_with_adapter, merged.&lt;param&gt;, adamw3.&lt;peft name&gt;.</summary>
    public static Dictionary<string, Tensor> Refs(string adapter) =>
        SafeTensors.Load(Path.Combine(AdapterDir(adapter), "lora_refs.safetensors"));

    public static Tensor BaseLogits() =>
        SafeTensors.Load(Path.Combine(SharedPaths.Hf, "tiny-flan", "forward.safetensors"), k => k == "logits")["logits"];

    /// <summary>Logits and loss of the model on hf/batch.json, no gradients.</summary>
    public static (Tensor Logits, double Loss) Run(T5ForConditionalGeneration model)
    {
        var (inputIds, mask, labels) = HfBatch();
        using var noGrad = no_grad();
        using var output = model.Forward(inputIds, mask, labels: labels);
        return (output.Logits.detach().clone(), output.Loss!.item<float>());
    }
}
