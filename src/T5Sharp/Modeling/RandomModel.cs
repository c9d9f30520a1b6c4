namespace T5Sharp.Modeling;

/// <summary>A model at a config's shapes with HF's T5 initialisation (what from_config + _init_weights gives).</summary>
public static class RandomModel
{
    public static T5ForConditionalGeneration Create(T5Config config, long seed)
    {
        var model = new T5ForConditionalGeneration(config);
        T5Init.Initialize(model, seed);
        model.eval();
        return model;
    }
}
