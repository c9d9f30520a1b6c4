using System.Globalization;

namespace T5Sharp.Peft;

/// <summary>Trainable and total parameter counts, as peft's get_nb_trainable_parameters counts them (each tensor once).</summary>
public readonly record struct TrainableParameterCount(long Trainable, long All)
{
    public double TrainablePercent => All == 0 ? 0 : 100.0 * Trainable / All;

    /// <summary>peft's print_trainable_parameters line: "trainable params: N || all params: M || trainable%: P" (P to 4 places).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"trainable params: {Trainable:N0} || all params: {All:N0} || trainable%: {TrainablePercent:F4}");
}
