using System.Globalization;

namespace T5Sharp.Training;

/// <summary>
/// Numbers as Python's str() prints them, so a model card reads as transformers writes it: floats keep a ".0" (12.0),
/// use the shortest round-trip digits and switch to exponent form below 1e-4 with at least two exponent digits (5e-05).
/// </summary>
public static class PythonRepr
{
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        double magnitude = Math.Abs(value);
        if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16))
        {
            string text = value.ToString("E16", CultureInfo.InvariantCulture);
            // shortest digits that round-trip, in Python's d.ddde±XX form
            string shortest = value.ToString("R", CultureInfo.InvariantCulture);
            int e = shortest.IndexOfAny(['E', 'e']);
            string mantissa = e < 0 ? shortest : shortest[..e];
            int exponent = e < 0 ? int.Parse(text[(text.IndexOf('E') + 1)..], CultureInfo.InvariantCulture)
                : int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture);
            if (e < 0) mantissa = (value / Math.Pow(10, exponent)).ToString("R", CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        string plain = value.ToString("R", CultureInfo.InvariantCulture);
        return plain.Contains('.') || plain.Contains('E') ? plain : plain + ".0";
    }

    /// <summary>transformers' _maybe_round: a float with more than 4 decimals as {v:.4f}, anything else as str(v).</summary>
    public static string MaybeRound(double value)
    {
        string text = Float(value);
        int dot = text.IndexOf('.');
        return dot >= 0 && text.Length - dot - 1 > 4 ? value.ToString("F4", CultureInfo.InvariantCulture) : text;
    }
}
