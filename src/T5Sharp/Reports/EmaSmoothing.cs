namespace T5Sharp.Reports;

/// <summary>
/// TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments (tensorboard's
/// vz_line_chart: last = last·w + (1−w)·v; smoothed = last / (1 − w^n) over the n finite values so far), so the
/// curve starts at the first value instead of at 0. Non-finite values pass through unsmoothed; w = 0 is the raw curve.
/// </summary>
public static class EmaSmoothing
{
    /// <summary>TensorBoard's default slider position.</summary>
    public const double DefaultWeight = 0.6;

    public static double[] Smooth(IReadOnlyList<double> values, double weight = DefaultWeight)
    {
        if (weight is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(weight), weight, "the smoothing weight must be in [0, 1)");
        var smoothed = new double[values.Count];
        double last = 0;
        int finite = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                smoothed[i] = v;
                continue;
            }
            last = last * weight + (1 - weight) * v;
            finite++;
            smoothed[i] = weight == 0 ? v : last / (1 - Math.Pow(weight, finite));
        }
        return smoothed;
    }
}
