namespace T5Sharp.Evaluation;

/// <summary>sacrebleu's <c>CHRFScore</c>: <see cref="Score"/> is 0–100; <see cref="Signature"/> is sacrebleu's.</summary>
public sealed record ChrfScore(double Score, int CharOrder, int WordOrder, int Beta, string Signature)
{
    public override string ToString() =>
        $"chrF{Beta} = {Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}";
}
