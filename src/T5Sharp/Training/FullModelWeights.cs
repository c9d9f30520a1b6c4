using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Training;

/// <summary>Checkpoints hold a complete HF model folder (config, generation config, weights, tokenizer files).</summary>
public sealed class FullModelWeights(T5ForConditionalGeneration model, string? generationConfigJson, string? tokenizerSourceDir)
    : ICheckpointWeights
{
    public void Save(string dir) => ModelFolder.Save(dir, model.Config, model.state_dict(), generationConfigJson, tokenizerSourceDir);

    public void Load(string dir) => PretrainedT5.LoadWeights(model, dir);
}
